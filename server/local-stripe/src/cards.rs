//! Stripe's documented test cards and the checks Checkout's card form makes.

/// What a card does when charged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardOutcome {
    Succeeds,
    /// Pays, and then the card's holder disputes the payment (fraudulent).
    SucceedsThenDisputed,
    Declined(Decline),
    /// 3-D Secure: the shopper must approve the payment first.
    RequiresAuthentication,
}

/// A decline as Stripe reports it in `last_payment_error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decline {
    pub code: &'static str,
    pub decline_code: Option<&'static str>,
    pub message: &'static str,
}

pub const GENERIC_DECLINE: Decline = Decline {
    code: "card_declined",
    decline_code: Some("generic_decline"),
    message: "Your card was declined.",
};
pub const INSUFFICIENT_FUNDS: Decline = Decline {
    code: "card_declined",
    decline_code: Some("insufficient_funds"),
    message: "Your card has insufficient funds.",
};
pub const EXPIRED_CARD: Decline = Decline {
    code: "expired_card",
    decline_code: Some("expired_card"),
    message: "Your card has expired.",
};
pub const INCORRECT_CVC: Decline = Decline {
    code: "incorrect_cvc",
    decline_code: Some("incorrect_cvc"),
    message: "Your card's security code is incorrect.",
};
pub const AUTHENTICATION_FAILED: Decline = Decline {
    code: "payment_intent_authentication_failure",
    decline_code: None,
    message: "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
};
pub const LIVE_CARD_IN_TEST_MODE: Decline = Decline {
    code: "card_declined",
    decline_code: Some("test_mode_live_card"),
    message: "Your card was declined. Your request was in test mode, but used a non test card. For a list of valid test cards, visit: https://stripe.com/docs/testing.",
};

/// The test cards this page knows, with what each does.
pub const TEST_CARDS: &[(&str, &str, CardOutcome)] = &[
    ("4242424242424242", "Visa: succeeds", CardOutcome::Succeeds),
    (
        "4000000000000259",
        "Succeeds, then its holder disputes the payment",
        CardOutcome::SucceedsThenDisputed,
    ),
    (
        "5555555555554444",
        "Mastercard: succeeds",
        CardOutcome::Succeeds,
    ),
    (
        "4000056655665556",
        "Visa debit: succeeds",
        CardOutcome::Succeeds,
    ),
    (
        "378282246310005",
        "American Express: succeeds",
        CardOutcome::Succeeds,
    ),
    (
        "4000000000000002",
        "Declined (generic)",
        CardOutcome::Declined(GENERIC_DECLINE),
    ),
    (
        "4000000000009995",
        "Declined: insufficient funds",
        CardOutcome::Declined(INSUFFICIENT_FUNDS),
    ),
    (
        "4000000000000069",
        "Declined: expired card",
        CardOutcome::Declined(EXPIRED_CARD),
    ),
    (
        "4000000000000127",
        "Declined: incorrect CVC",
        CardOutcome::Declined(INCORRECT_CVC),
    ),
    (
        "4000002500003155",
        "Asks for 3-D Secure authentication",
        CardOutcome::RequiresAuthentication,
    ),
];

/// Which field of the card form a problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Email,
    Number,
    Expiry,
    Cvc,
    ShippingName,
    Line1,
    Line2,
    City,
    State,
    PostalCode,
    Country,
    Phone,
    ShippingRate,
    PromotionCode,
    Terms,
}

/// A card form that cannot be submitted, with Checkout's own wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: &'static str,
}

/// The card number's digits, without the spaces and dashes people type.
pub fn digits(number: &str) -> String {
    number
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

/// The Luhn checksum every real card number passes.
pub fn luhn(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(index, byte)| {
            let digit = u32::from(byte - b'0');
            if index % 2 == 1 {
                let doubled = digit * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                digit
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Checks the form as Checkout does before it charges, then says what the card does.
/// `today` is (year, month).
pub fn check(
    number: &str,
    expiry: &str,
    cvc: &str,
    today: (i32, u32),
) -> Result<CardOutcome, FieldError> {
    let number = digits(number);
    if number.len() < 12 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError {
            field: Field::Number,
            message: "Your card number is incomplete.",
        });
    }
    if number.len() > 19 || !luhn(&number) {
        return Err(FieldError {
            field: Field::Number,
            message: "Your card number is invalid.",
        });
    }

    let (month, year) = parse_expiry(expiry).ok_or(FieldError {
        field: Field::Expiry,
        message: "Your card's expiration date is incomplete.",
    })?;
    if !(1..=12).contains(&month) {
        return Err(FieldError {
            field: Field::Expiry,
            message: "Your card's expiration date is invalid.",
        });
    }
    if (year, month) < today {
        return Err(FieldError {
            field: Field::Expiry,
            message: "Your card's expiration year is in the past.",
        });
    }

    let cvc = cvc.trim();
    let cvc_len = if number.len() == 15 { 4 } else { 3 };
    if cvc.len() != cvc_len || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError {
            field: Field::Cvc,
            message: "Your card's security code is incomplete.",
        });
    }

    Ok(TEST_CARDS
        .iter()
        .find(|(card, _, _)| *card == number)
        .map(|(_, _, outcome)| *outcome)
        .unwrap_or(CardOutcome::Declined(LIVE_CARD_IN_TEST_MODE)))
}

/// `MM / YY`, `MM/YY` or `MM/YYYY` -> (month, four-digit year).
fn parse_expiry(expiry: &str) -> Option<(u32, i32)> {
    let compact: String = expiry.chars().filter(|c| !c.is_whitespace()).collect();
    let (month, year) = compact.split_once('/').or_else(|| {
        // "1234" typed without the slash.
        (compact.len() == 4).then(|| compact.split_at(2))
    })?;
    if month.is_empty() || month.len() > 2 {
        return None;
    }
    let month: u32 = month.parse().ok()?;
    let year: i32 = match year.len() {
        2 => 2000 + year.parse::<i32>().ok()?,
        4 => year.parse().ok()?,
        _ => return None,
    };
    Some((month, year))
}

/// The last four digits, for receipts and the events page.
pub fn last4(number: &str) -> String {
    let number = digits(number);
    number[number.len().saturating_sub(4)..].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: (i32, u32) = (2026, 11);

    fn outcome(number: &str) -> Result<CardOutcome, FieldError> {
        check(number, "12 / 34", "123", TODAY)
    }

    #[test]
    fn the_documented_cards_do_what_stripe_documents() {
        assert_eq!(outcome("4242 4242 4242 4242"), Ok(CardOutcome::Succeeds));
        assert_eq!(
            outcome("4000000000000002"),
            Ok(CardOutcome::Declined(GENERIC_DECLINE))
        );
        assert_eq!(
            outcome("4000 0000 0000 9995"),
            Ok(CardOutcome::Declined(INSUFFICIENT_FUNDS))
        );
        assert_eq!(
            outcome("4000000000000069"),
            Ok(CardOutcome::Declined(EXPIRED_CARD))
        );
        assert_eq!(
            outcome("4000000000000127"),
            Ok(CardOutcome::Declined(INCORRECT_CVC))
        );
        assert_eq!(
            outcome("4000002500003155"),
            Ok(CardOutcome::RequiresAuthentication)
        );
        assert_eq!(
            check("3782 822463 10005", "12/34", "1234", TODAY),
            Ok(CardOutcome::Succeeds)
        );
    }

    #[test]
    fn every_listed_test_card_passes_luhn() {
        for (number, _, _) in TEST_CARDS {
            assert!(luhn(number), "{number}");
        }
    }

    #[test]
    fn a_number_that_fails_luhn_is_invalid_and_charges_nothing() {
        let err = outcome("4242424242424241").unwrap_err();
        assert_eq!(err.field, Field::Number);
        assert_eq!(err.message, "Your card number is invalid.");
        assert_eq!(
            outcome("4242").unwrap_err().message,
            "Your card number is incomplete."
        );
        assert_eq!(
            outcome("4242abcd42424242").unwrap_err().field,
            Field::Number
        );
    }

    #[test]
    fn a_real_card_number_is_declined_in_test_mode() {
        // Passes Luhn, is not a test card.
        assert_eq!(
            outcome("4111111111111111"),
            Ok(CardOutcome::Declined(LIVE_CARD_IN_TEST_MODE))
        );
    }

    #[test]
    fn expiry_and_cvc_are_checked_before_the_card_is_charged() {
        let past = check("4242424242424242", "10/26", "123", TODAY).unwrap_err();
        assert_eq!(past.field, Field::Expiry);
        assert!(
            check("4242424242424242", "11/26", "123", TODAY).is_ok(),
            "this month is fine"
        );
        assert!(check("4242424242424242", "1134", "123", TODAY).is_ok());
        assert!(check("4242424242424242", "11/2034", "123", TODAY).is_ok());
        assert_eq!(
            check("4242424242424242", "13/34", "123", TODAY)
                .unwrap_err()
                .field,
            Field::Expiry
        );
        assert_eq!(
            check("4242424242424242", "", "123", TODAY)
                .unwrap_err()
                .field,
            Field::Expiry
        );
        assert_eq!(
            check("4242424242424242", "12/34", "12", TODAY)
                .unwrap_err()
                .field,
            Field::Cvc
        );
        assert_eq!(
            check("4242424242424242", "12/34", "12a", TODAY)
                .unwrap_err()
                .field,
            Field::Cvc
        );
    }

    #[test]
    fn last4_keeps_only_the_end() {
        assert_eq!(last4("4242 4242 4242 4242"), "4242");
        assert_eq!(last4("12"), "12");
    }
}
