//! What a session costs once the shopper has chosen: the discount, the shipping
//! and the tax, line by line, in the currency's smallest unit.
//!
//! The stand-in cannot be Stripe Tax. It charges the rate its [`TaxTable`] gives
//! the shipping address (by country, and by state in the US), on each line after
//! its share of the discount and on the shipping, and rounds each amount half up
//! as Stripe does; three-decimal currencies round to a multiple of 10, because
//! Stripe requires their amounts to end in 0.

use serde::{Deserialize, Serialize};

use crate::objects::{Address, SessionRecord, ShippingOptionRecord};

/// Example rates in percent, to show the whole flow offline; not tax advice.
/// `LOCAL_STRIPE_TAX_RATES` replaces them, in the same `KEY=percent` form.
pub const DEFAULT_TAX_RATES: &str = "US-CA=7.25,US-NY=4,US-TX=6.25,US-WA=6.5,US-FL=6,US-IL=6.25,\
US-MA=6.25,US-NJ=6.625,US-PA=6,CA=5,GB=20,AT=20,BE=21,BG=20,HR=25,CY=19,CZ=21,DK=25,EE=24,\
FI=25.5,FR=20,DE=19,GR=24,HU=27,IE=23,IT=22,LV=21,LT=21,LU=17,MT=18,NL=21,PL=23,PT=23,RO=21,\
SK=23,SI=22,ES=21,SE=25";

/// A rate: `US-CA` (a US state) or `GB` (a whole country), in millionths
/// (7.25% is 72,500), so every rate Stripe shows is exact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRate {
    pub jurisdiction: String,
    pub millionths: i64,
}

impl TaxRate {
    pub fn country(&self) -> &str {
        self.jurisdiction
            .split_once('-')
            .map_or(self.jurisdiction.as_str(), |(country, _)| country)
    }

    pub fn state(&self) -> Option<&str> {
        self.jurisdiction.split_once('-').map(|(_, state)| state)
    }

    /// `7.25`, as Stripe's `percentage` shows it.
    pub fn percentage(&self) -> f64 {
        self.millionths as f64 / 10_000.0
    }

    /// What the tax is called where it is charged.
    pub fn display_name(&self) -> &'static str {
        match self.country() {
            "US" => "Sales Tax",
            "CA" => "GST",
            _ => "VAT",
        }
    }

    pub fn tax_type(&self) -> &'static str {
        match self.country() {
            "US" => "sales_tax",
            "CA" => "gst",
            _ => "vat",
        }
    }
}

/// The rates the stand-in charges, by jurisdiction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxTable {
    rates: Vec<TaxRate>,
}

impl Default for TaxTable {
    fn default() -> Self {
        Self::parse(DEFAULT_TAX_RATES).unwrap_or(Self { rates: Vec::new() })
    }
}

impl TaxTable {
    /// Reads `US-CA=7.25,GB=20`: country codes, or `US-` and a state, each with a
    /// percent of at most four decimals between 0 and 100.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rates = Vec::new();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (key, percent) = item
                .split_once('=')
                .ok_or_else(|| format!("`{item}` is not KEY=percent, like GB=20 or US-CA=7.25"))?;
            let key = key.trim().to_ascii_uppercase();
            let valid_key = match key.split_once('-') {
                Some((country, state)) => {
                    is_code(country, 2) && !state.is_empty() && state.len() <= 3
                }
                None => is_code(&key, 2),
            };
            if !valid_key {
                return Err(format!("`{key}` is not a country code or COUNTRY-STATE"));
            }
            let millionths = millionths(percent.trim())
                .filter(|m| (0..=1_000_000).contains(m))
                .ok_or_else(|| {
                    format!("`{percent}` is not a percent from 0 to 100 with at most four decimals")
                })?;
            rates.retain(|rate: &TaxRate| rate.jurisdiction != key);
            rates.push(TaxRate {
                jurisdiction: key,
                millionths,
            });
        }
        Ok(Self { rates })
    }

    /// The rate for an address: its state's in the US (no state rate, no tax),
    /// its country's elsewhere.
    pub fn rate_for(&self, address: &Address) -> Option<&TaxRate> {
        let state_key = address
            .state
            .as_deref()
            .map(|state| format!("{}-{}", address.country, state.to_ascii_uppercase()));
        self.rates
            .iter()
            .find(|rate| Some(&rate.jurisdiction) == state_key.as_ref())
            .or_else(|| {
                self.rates
                    .iter()
                    .find(|rate| rate.jurisdiction == address.country)
            })
    }
}

fn is_code(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_uppercase())
}

/// `7.25` as 72,500 millionths, exactly.
fn millionths(percent: &str) -> Option<i64> {
    let (whole, fraction) = percent.split_once('.').unwrap_or((percent, ""));
    if whole.is_empty() || fraction.len() > 4 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = format!("{fraction:0<4}").parse().ok()?;
    Some(whole * 10_000 + fraction)
}

/// A coupon's reduction: a percent (in hundredths) or an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    PercentHundredths(i64),
    Amount(i64),
}

/// One line's share of the discount and its tax.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineFigures {
    pub discount: i64,
    pub tax: i64,
}

/// Every figure of a session, as Stripe reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub amount_subtotal: i64,
    pub amount_discount: i64,
    pub amount_shipping: i64,
    pub shipping_tax: i64,
    pub amount_tax: i64,
    pub amount_total: i64,
    pub lines: Vec<LineFigures>,
    /// The rate charged, when tax was calculated and one applies.
    pub tax_rate: Option<TaxRate>,
    /// What the tax was charged on (lines after discount, and shipping).
    pub taxable_amount: i64,
    pub inclusive: bool,
}

/// `numerator / denominator`, rounded half up, to `step` (1, or 10 for
/// three-decimal currencies). Amounts are never negative here.
fn round(numerator: i128, denominator: i128, step: i64) -> i64 {
    let step = i128::from(step.max(1));
    let units = (numerator + denominator * step / 2) / (denominator * step);
    i64::try_from(units * step).unwrap_or(i64::MAX)
}

/// The smallest amount Stripe takes in `currency`.
pub fn step(currency: &str) -> i64 {
    if money::exponent(currency) == 3 {
        10
    } else {
        1
    }
}

/// Prices `session` for this shipping option, reduction and tax rate.
pub fn quote(
    session: &SessionRecord,
    shipping: Option<&ShippingOptionRecord>,
    reduction: Option<Reduction>,
    tax_rate: Option<&TaxRate>,
) -> Quote {
    let step = step(&session.currency);
    let amounts: Vec<i64> = session.line_items.iter().map(|l| l.amount()).collect();
    let subtotal: i64 = amounts.iter().sum();
    let discount = match reduction {
        None => 0,
        Some(Reduction::Amount(amount)) => amount.min(subtotal),
        Some(Reduction::PercentHundredths(hundredths)) => {
            round(i128::from(subtotal) * i128::from(hundredths), 10_000, step).min(subtotal)
        }
    };
    let mut lines = allocate(&amounts, discount, subtotal);
    let shipping_amount = shipping.map_or(0, |option| option.amount);
    let inclusive = session
        .line_items
        .iter()
        .any(|line| line.tax_behavior.as_deref() == Some("inclusive"));
    let tax_of = |taxable: i64| match tax_rate {
        None => 0,
        Some(rate) if inclusive => round(
            i128::from(taxable) * i128::from(rate.millionths),
            1_000_000 + i128::from(rate.millionths),
            step,
        ),
        Some(rate) => round(
            i128::from(taxable) * i128::from(rate.millionths),
            1_000_000,
            step,
        ),
    };
    let mut taxable_amount = 0;
    for (line, amount) in lines.iter_mut().zip(&amounts) {
        let taxable = amount - line.discount;
        taxable_amount += taxable;
        line.tax = tax_of(taxable);
    }
    let shipping_tax = tax_of(shipping_amount);
    taxable_amount += shipping_amount;
    let amount_tax = lines.iter().map(|l| l.tax).sum::<i64>() + shipping_tax;
    let added_tax = if inclusive { 0 } else { amount_tax };
    Quote {
        amount_subtotal: subtotal,
        amount_discount: discount,
        amount_shipping: shipping_amount,
        shipping_tax,
        amount_tax,
        amount_total: subtotal - discount + shipping_amount + added_tax,
        lines,
        tax_rate: tax_rate.cloned(),
        taxable_amount,
        inclusive,
    }
}

/// Shares `discount` among lines in proportion to their amounts; what rounding
/// leaves over goes to the last line, so the shares add up exactly.
fn allocate(amounts: &[i64], discount: i64, subtotal: i64) -> Vec<LineFigures> {
    let mut lines = vec![LineFigures::default(); amounts.len()];
    if discount == 0 || subtotal == 0 {
        return lines;
    }
    let mut given = 0;
    let last = amounts.len() - 1;
    for (index, (line, amount)) in lines.iter_mut().zip(amounts).enumerate() {
        line.discount = if index == last {
            discount - given
        } else {
            i64::try_from(i128::from(discount) * i128::from(*amount) / i128::from(subtotal))
                .unwrap_or(0)
        };
        given += line.discount;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_exactly_and_the_state_comes_before_the_country() {
        let table = TaxTable::parse("US-CA=7.25, GB=20,us-ny=4.375").unwrap();
        let address = |country: &str, state: Option<&str>| Address {
            line1: "1 Main St".into(),
            line2: None,
            city: "Town".into(),
            state: state.map(str::to_owned),
            postal_code: "12345".into(),
            country: country.into(),
        };
        assert_eq!(
            table
                .rate_for(&address("US", Some("ca")))
                .unwrap()
                .millionths,
            72_500
        );
        assert_eq!(
            table
                .rate_for(&address("US", Some("NY")))
                .unwrap()
                .millionths,
            43_750
        );
        assert!(table.rate_for(&address("US", Some("OR"))).is_none());
        assert_eq!(
            table.rate_for(&address("GB", None)).unwrap().percentage(),
            20.0
        );
        assert!(TaxTable::parse("GB=20.12345").is_err());
        assert!(TaxTable::parse("GB=120").is_err());
        assert!(TaxTable::parse("Britain=20").is_err());
        assert!(TaxTable::default().rate_for(&address("DE", None)).is_some());
    }

    #[test]
    fn rounding_is_half_up_and_three_decimal_amounts_end_in_zero() {
        assert_eq!(round(125, 10, 1), 13);
        assert_eq!(round(124, 10, 1), 12);
        assert_eq!(round(12_345, 1, 10), 12_350);
        assert_eq!(round(12_344, 1, 10), 12_340);
    }

    #[test]
    fn discount_shares_add_up_to_the_discount() {
        let shares = allocate(&[1000, 1000, 1000], 100, 3000);
        assert_eq!(
            shares.iter().map(|s| s.discount).collect::<Vec<_>>(),
            [33, 33, 34]
        );
    }
}
