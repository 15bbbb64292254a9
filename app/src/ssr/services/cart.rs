//! The shopper's cart.

use sea_orm::ConnectionTrait;

use crate::error::AppError;
use crate::ssr::services::catalog;
use crate::types::MAX_LINE_QUANTITY;

/// Reads a line quantity the shopper typed, allowing 1 to 99 and never more than
/// what is in stock.
pub fn parse_quantity(raw: &str, stock: i32) -> Result<i32, AppError> {
    let ceiling = stock.min(MAX_LINE_QUANTITY);
    let range = if ceiling <= 1 {
        "Only 1 is left, so the quantity must be 1.".to_owned()
    } else {
        format!("Choose a quantity from 1 to {ceiling}.")
    };
    let quantity: i64 = raw.trim().parse().map_err(|_| {
        AppError::bad_request(format!("The quantity must be a whole number. {range}"))
    })?;
    if quantity < 1 || quantity > i64::from(ceiling) {
        let why = if quantity > i64::from(stock) && stock < MAX_LINE_QUANTITY {
            format!("Only {stock} left in stock. {range}")
        } else {
            range
        };
        return Err(AppError::bad_request(why));
    }
    // In range of 1..=99, so the conversion cannot fail.
    i32::try_from(quantity).map_err(|_| AppError::Internal)
}

/// Checks an add-to-cart request against the catalog.
///
/// The cart itself opens in the next release of the store; until then the request
/// is validated in full and then answered with a sentence that says so.
pub async fn add_to_cart(
    db: &impl ConnectionTrait,
    slug: &str,
    quantity: &str,
) -> Result<(), AppError> {
    let product = catalog::find_active(db, slug).await?;
    if product.stock == 0 {
        return Err(AppError::Conflict(format!("{} is sold out.", product.name)));
    }
    parse_quantity(quantity, product.stock)?;
    Err(AppError::Conflict(format!(
        "The cart is not open yet, so {} was not added. It opens very soon.",
        product.name
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_quantities_within_stock_and_the_line_limit() {
        assert_eq!(parse_quantity("1", 40), Ok(1));
        assert_eq!(parse_quantity(" 12 ", 40), Ok(12));
        assert_eq!(parse_quantity("99", 500), Ok(99));
    }

    #[test]
    fn refuses_out_of_range_quantities_with_the_range() {
        for raw in ["0", "-3", "100", "1000000000000000000000"] {
            let err = parse_quantity(raw, 500).unwrap_err();
            assert_eq!(err.status(), 400, "{raw}");
            assert!(err.to_string().contains("from 1 to 99"), "{raw}: {err}");
        }
    }

    #[test]
    fn refuses_more_than_is_in_stock() {
        let err = parse_quantity("4", 3).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Only 3 left in stock. Choose a quantity from 1 to 3."
        );
    }

    #[test]
    fn refuses_text_that_is_not_a_number() {
        for raw in ["", "two", "1.5", "1e3", "'; DROP TABLE products; --"] {
            let err = parse_quantity(raw, 40).unwrap_err();
            assert_eq!(err.status(), 400);
            assert!(
                err.to_string()
                    .starts_with("The quantity must be a whole number."),
                "{raw}"
            );
        }
    }
}
