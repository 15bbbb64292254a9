//! Amounts of money as text. An amount is an integer count of its currency's
//! minor unit; this crate holds the one table of how many decimals each currency
//! has (Stripe's) and the one routine that writes an amount, so the store's
//! pages, its emails and the local Stripe's payment page all print alike.
//!
//! It depends on nothing, so the browser's WebAssembly can use it too.

use std::fmt;

/// Stripe's zero-decimal currencies: amounts are whole units (yen, won, ...).
const ZERO_DECIMAL: [&str; 16] = [
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
    "XAF", "XOF", "XPF",
];

/// Stripe's three-decimal currencies (Stripe requires their amounts to end in 0).
const THREE_DECIMAL: [&str; 5] = ["BHD", "JOD", "KWD", "OMR", "TND"];

/// Symbols printed before an amount; every other currency prints its code and a
/// space (`KWD 1.250`).
const SYMBOLS: [(&str, &str); 4] = [("USD", "$"), ("EUR", "€"), ("GBP", "£"), ("JPY", "¥")];

/// How many decimal places the minor unit of the ISO 4217 currency `code` has,
/// as Stripe counts them: 0, 2 or 3. Letter case does not matter.
pub fn exponent(code: &str) -> u32 {
    let is = |list: &[&str]| list.iter().any(|c| c.eq_ignore_ascii_case(code));
    if is(&ZERO_DECIMAL) {
        0
    } else if is(&THREE_DECIMAL) {
        3
    } else {
        2
    }
}

/// `minor` units of currency `code`, displayed: `$1,234.50`, `¥1,200`,
/// `KWD 12.500`, `-$0.05`.
#[derive(Clone, Copy, Debug)]
pub struct Amount<'a> {
    pub minor: i64,
    pub code: &'a str,
}

impl fmt::Display for Amount<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = 10_u64.pow(exponent(self.code));
        let magnitude = self.minor.unsigned_abs();
        let (units, fraction) = (magnitude / scale, magnitude % scale);

        if self.minor < 0 {
            f.write_str("-")?;
        }
        match SYMBOLS
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(self.code))
        {
            Some((_, symbol)) => f.write_str(symbol)?,
            None => write!(f, "{} ", self.code.to_ascii_uppercase())?,
        }
        let digits = units.to_string();
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index) % 3 == 0 {
                f.write_str(",")?;
            }
            write!(f, "{digit}")?;
        }
        if scale > 1 {
            write!(
                f,
                ".{fraction:0width$}",
                width = exponent(self.code) as usize
            )?;
        }
        Ok(())
    }
}

/// Why typed text is not an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// Nothing but a number (with an optional symbol, code and thousands
    /// commas) is an amount.
    NotANumber,
    /// More decimal places than the currency has.
    TooPrecise,
    /// Too large to hold.
    TooLarge,
}

/// Reads an amount as people write it in currency `code` (`18`, `18.5`,
/// `$1,234.50`, `¥2,700`, `KWD 5.550`) into minor units, exactly: no floating
/// point is involved, and more decimals than the currency has is refused
/// rather than rounded. Negative amounts are refused.
pub fn parse(text: &str, code: &str) -> Result<i64, ParseError> {
    let exponent = exponent(code);
    let mut rest = text.trim();
    if let Some((_, symbol)) = SYMBOLS.iter().find(|(c, _)| c.eq_ignore_ascii_case(code)) {
        rest = rest.strip_prefix(symbol).unwrap_or(rest).trim_start();
    }
    if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(code) {
        rest = rest[3..].trim_start();
    }
    let (units, fraction) = match rest.split_once('.') {
        Some((units, fraction)) => (units, fraction),
        None => (rest, ""),
    };
    let units: String = units.chars().filter(|c| *c != ',').collect();
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if units.is_empty() && fraction.is_empty()
        || !digits(&units)
        || !digits(fraction)
        || units.len() + fraction.len() == 0
    {
        return Err(ParseError::NotANumber);
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > exponent as usize {
        return Err(ParseError::TooPrecise);
    }
    let scale = 10_i64.pow(exponent);
    let whole: i64 = if units.is_empty() {
        0
    } else {
        units.parse().map_err(|_| ParseError::TooLarge)?
    };
    let part: i64 = if fraction.is_empty() {
        0
    } else {
        let padded = format!("{fraction:0<width$}", width = exponent as usize);
        padded.parse().map_err(|_| ParseError::NotANumber)?
    };
    whole
        .checked_mul(scale)
        .and_then(|minor| minor.checked_add(part))
        .ok_or(ParseError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(minor: i64, code: &str) -> String {
        Amount { minor, code }.to_string()
    }

    #[test]
    fn two_zero_and_three_decimal_currencies_are_exact() {
        assert_eq!(shown(123_450, "USD"), "$1,234.50");
        assert_eq!(shown(1_200, "jpy"), "¥1,200");
        assert_eq!(shown(12_500, "KWD"), "KWD 12.500");
        assert_eq!(shown(5, "usd"), "$0.05");
        assert_eq!(shown(-5, "EUR"), "-€0.05");
        assert_eq!(shown(100, "chf"), "CHF 1.00");
        assert_eq!(shown(1_000_000, "krw"), "KRW 1,000,000");
    }

    #[test]
    fn any_stripe_currency_prints_with_its_own_decimal_places() {
        let format_iso_amount = shown;
        assert_eq!(format_iso_amount(3998, "usd"), "$39.98");
        assert_eq!(format_iso_amount(1235, "jpy"), "\u{a5}1,235");
        assert_eq!(format_iso_amount(123456, "chf"), "CHF 1,234.56");
        assert_eq!(format_iso_amount(5000, "krw"), "KRW 5,000");
        assert_eq!(format_iso_amount(1500, "bhd"), "BHD 1.500");
        assert_eq!(format_iso_amount(-5, "cad"), "-CAD 0.05");
    }

    #[test]
    fn exponents_follow_stripe() {
        assert_eq!(exponent("JPY"), 0);
        assert_eq!(exponent("kwd"), 3);
        assert_eq!(exponent("USD"), 2);
    }

    #[test]
    fn typed_amounts_are_read_exactly_in_each_currency() {
        assert_eq!(parse("18", "USD"), Ok(1800));
        assert_eq!(parse(" $1,234.5 ", "usd"), Ok(123_450));
        assert_eq!(parse("0.07", "USD"), Ok(7));
        assert_eq!(parse(".5", "EUR"), Ok(50));
        assert_eq!(parse("¥2,700", "JPY"), Ok(2700));
        assert_eq!(parse("2700.0", "JPY"), Ok(2700));
        assert_eq!(parse("KWD 5.555", "KWD"), Ok(5555));
        assert_eq!(parse("5.55", "kwd"), Ok(5550));
        assert_eq!(parse("0.001", "USD"), Err(ParseError::TooPrecise));
        assert_eq!(parse("2700.5", "JPY"), Err(ParseError::TooPrecise));
        for junk in ["", "-1", "1e3", "abc", "1.2.3", "$", "12 34", "NaN"] {
            assert_eq!(parse(junk, "USD"), Err(ParseError::NotANumber), "{junk:?}");
        }
        assert_eq!(
            parse("99999999999999999999", "USD"),
            Err(ParseError::TooLarge)
        );
        // What is printed reads back as the same amount.
        for (minor, code) in [(123_450, "USD"), (1200, "JPY"), (12_500, "KWD")] {
            assert_eq!(parse(&Amount { minor, code }.to_string(), code), Ok(minor));
        }
    }
}
