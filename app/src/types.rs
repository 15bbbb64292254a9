//! What crosses the wire between the server and the browser.

use serde::{Deserialize, Serialize};
use std::fmt;

pub mod admin;

/// A currency the store can price in, with its ISO 4217 minor-unit exponent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    Usd,
    Eur,
    Gbp,
    Jpy,
    Kwd,
}

impl Currency {
    /// Every currency the store knows.
    pub const ALL: [Currency; 5] = [Self::Usd, Self::Eur, Self::Gbp, Self::Jpy, Self::Kwd];

    /// The ISO 4217 code, upper case.
    pub fn code(self) -> &'static str {
        match self {
            Self::Usd => "USD",
            Self::Eur => "EUR",
            Self::Gbp => "GBP",
            Self::Jpy => "JPY",
            Self::Kwd => "KWD",
        }
    }

    /// How many decimal places the minor unit has (cents: 2, yen: 0, fils: 3).
    pub fn exponent(self) -> u32 {
        money::exponent(self.code())
    }

    /// Parses an ISO 4217 code in any letter case.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|currency| currency.code().eq_ignore_ascii_case(code))
    }
}

/// An amount of money: an integer count of the currency's minor unit.
///
/// This is the only place in the code base that turns an amount into text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Amount in the currency's minor unit (cents for USD, yen for JPY).
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// The amount times a quantity, or `None` if it would overflow.
    pub fn checked_mul(self, quantity: i64) -> Option<Self> {
        self.minor
            .checked_mul(quantity)
            .map(|minor| Self::new(minor, self.currency))
    }

    /// The sum of two amounts in the same currency, or `None` on overflow or a
    /// currency mismatch.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        if self.currency != other.currency {
            return None;
        }
        self.minor
            .checked_add(other.minor)
            .map(|minor| Self::new(minor, self.currency))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        money::Amount {
            minor: self.minor,
            code: self.currency.code(),
        }
        .fmt(f)
    }
}

/// A product as the grid shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductCard {
    pub slug: String,
    pub name: String,
    pub price: Money,
    pub image_path: String,
    pub stock: i32,
}

/// A product as its own page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub price: Money,
    pub image_path: String,
    pub stock: i32,
}

/// The currency an empty cart's zero is written in. A cart with lines is in
/// the currency of its products, which is the store's (`STORE_CURRENCY`).
pub const STORE_CURRENCY: Currency = Currency::Usd;

/// One line of a cart, priced from the catalog at the moment it is read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CartLineView {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub image_path: String,
    pub unit_price: Money,
    /// The unit price when the line was added, when the catalogue's has changed
    /// since: the cart says so before checkout, which charges today's price.
    pub was_price: Option<Money>,
    pub quantity: i32,
    pub line_total: Money,
    /// The most this line may hold: the stock, and never above 99.
    pub max_quantity: i32,
    /// False once the product is no longer sold or is sold out: it can only be removed.
    pub available: bool,
}

/// A shopper's cart as the cart page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CartView {
    /// The open cart's id, or `None` while the shopper has none.
    pub cart_id: Option<i32>,
    pub lines: Vec<CartLineView>,
    /// Units across the available lines.
    pub item_count: u32,
    /// The sum of the available lines.
    pub subtotal: Money,
    /// Something the shopper should know, such as a quantity lowered at sign-in.
    pub notice: Option<String>,
    /// Why the last payment attempt for this cart was declined, if it was.
    pub payment_error: Option<String>,
}

impl CartView {
    /// The cart of a shopper who has none yet.
    pub fn empty() -> Self {
        Self {
            cart_id: None,
            lines: Vec::new(),
            item_count: 0,
            subtotal: Money::new(0, STORE_CURRENCY),
            notice: None,
            payment_error: None,
        }
    }
}

/// One bought line of an order, priced as it was paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderItemView {
    pub name: String,
    pub quantity: i32,
    pub unit_price: Money,
    pub line_total: Money,
}

/// An order as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    /// Human-readable and never reused, e.g. `SF-000042`.
    pub number: String,
    /// The day it was placed, `YYYY-MM-DD` (UTC).
    pub placed_on: String,
    /// Where the order stands, in a word or two: "Paid", "On hold", "Refunded".
    pub status: String,
    pub items: Vec<OrderItemView>,
    /// Subtotal, discount, shipping and tax: what make up the total.
    pub figures: OrderFigures,
    /// What the shopper was charged.
    pub total: Money,
    /// Where the order is shipped, when an address was collected.
    pub ship_to: Option<ShipTo>,
    /// Where the receipt goes.
    pub email: Option<String>,
    /// Paid in Stripe's test mode (a test key or the local stand-in): no money
    /// was taken, and every place the order appears says so.
    pub test_order: bool,
    /// What has been refunded, once anything has.
    pub refunded: Option<Money>,
    /// What happened to the payment after it was made (a refund or a dispute),
    /// in the words its buyer reads.
    pub payment_note: Option<String>,
    /// Why the order is held before it ships, if it is.
    pub hold: Option<OrderHold>,
    /// How and when it was sent, once the owner has marked it shipped.
    pub shipment: Option<Shipment>,
}

/// How an order left: carrier, tracking number, day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_on: String,
}

/// The figures between an order's lines and its total, each from Stripe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFigures {
    pub subtotal: Money,
    /// Taken off by `promotion_code`, when one was used.
    pub discount: Option<Money>,
    pub promotion_code: Option<String>,
    /// The shipping method's name and price (zero when free).
    pub shipping: Option<(String, Money)>,
    /// Tax, when any was charged.
    pub tax: Option<Money>,
}

/// A shipping address, ready to print line by line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipTo {
    pub name: String,
    pub lines: Vec<String>,
    pub phone: Option<String>,
}

/// One of the store's policies, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyView {
    pub title: String,
    pub blocks: Vec<PolicyBlock>,
}

/// A piece of a policy's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyBlock {
    Heading(String),
    Paragraph(String),
    List(Vec<String>),
}

/// Why an order is held, in the words its buyer reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderHold {
    /// What Stripe took differs from the checkout's total (or was not stated).
    PaymentBeingChecked,
    /// Paid after the reservation ran out: the stock is being checked.
    StockBeingChecked,
}

impl OrderHold {
    pub fn sentence(self) -> &'static str {
        match self {
            Self::PaymentBeingChecked => {
                "We are checking your payment before this order ships. We will email you; there is nothing you need to do."
            }
            Self::StockBeingChecked => {
                "Your payment arrived after your reservation ran out, so we are checking stock before this order ships. We will email you."
            }
        }
    }
}

/// The one answer to "send me a reset link", whoever asks.
pub const RESET_LINK_SENT: &str =
    "If an account exists for that email, a link to choose a new password is on its way. It works once, within 30 minutes.";

/// The sentence on every test-mode order.
pub const TEST_ORDER: &str = "Test order: no money was taken.";

impl OrderView {
    /// Units bought across the lines.
    pub fn item_count(&self) -> i64 {
        self.items.iter().map(|item| i64::from(item.quantity)).sum()
    }
}

/// What the success page learns about a Checkout Session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckoutResult {
    /// Paid: the order exists.
    Placed(Box<OrderView>),
    /// Stripe has not confirmed the payment yet (a delayed method, or the page
    /// arrived first); the page checks again shortly.
    Processing,
}

/// What the header needs to know about the shopper.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopperView {
    /// The account's email when signed in.
    pub email: Option<String>,
    pub cart_count: u32,
    /// The account runs the store: the menu offers the back office.
    pub owner: bool,
}

/// What a form's post came to, shown on the page it returns to (see
/// [`LiveForm`](crate::components::LiveForm)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormOutcome {
    /// The server fn's address the form posted to.
    pub form: String,
    /// What the form was about (a product's slug), if a page has several.
    pub item: Option<String>,
    /// The store's sentence when it refused; `None` when the form succeeded.
    pub refusal: Option<String>,
}

/// Largest quantity of one product a single cart line may hold.
pub const MAX_LINE_QUANTITY: i32 = 99;

/// Stock at or below this is shown as "Only N left".
pub const LOW_STOCK: i32 = 5;

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn formats_two_decimal_currencies_with_grouping() {
        assert_eq!(Money::new(123_450, Currency::Usd).to_string(), "$1,234.50");
        assert_eq!(Money::new(5, Currency::Usd).to_string(), "$0.05");
        assert_eq!(Money::new(0, Currency::Usd).to_string(), "$0.00");
        assert_eq!(Money::new(1_999, Currency::Eur).to_string(), "€19.99");
        assert_eq!(
            Money::new(100_000_000, Currency::Gbp).to_string(),
            "£1,000,000.00"
        );
    }

    #[test]
    fn formats_zero_decimal_currencies_without_a_fraction() {
        assert_eq!(Money::new(1_235, Currency::Jpy).to_string(), "¥1,235");
        assert_eq!(Money::new(999, Currency::Jpy).to_string(), "¥999");
        assert_eq!(Money::new(1_000, Currency::Jpy).to_string(), "¥1,000");
    }

    #[test]
    fn formats_three_decimal_currencies_exactly() {
        assert_eq!(
            Money::new(1_234_500, Currency::Kwd).to_string(),
            "KWD 1,234.500"
        );
        assert_eq!(Money::new(7, Currency::Kwd).to_string(), "KWD 0.007");
    }

    #[test]
    fn formats_negative_and_extreme_amounts() {
        assert_eq!(Money::new(-150, Currency::Usd).to_string(), "-$1.50");
        assert_eq!(
            Money::new(i64::MIN, Currency::Usd).to_string(),
            "-$92,233,720,368,547,758.08"
        );
        assert_eq!(
            Money::new(i64::MAX, Currency::Jpy).to_string(),
            "¥9,223,372,036,854,775,807"
        );
    }

    #[test]
    fn arithmetic_refuses_overflow_and_mixed_currencies() {
        let price = Money::new(1_999, Currency::Usd);
        assert_eq!(price.checked_mul(3), Some(Money::new(5_997, Currency::Usd)));
        assert_eq!(Money::new(i64::MAX, Currency::Usd).checked_mul(2), None);
        assert_eq!(price.checked_add(Money::new(1, Currency::Jpy)), None);
        assert_eq!(
            price.checked_add(Money::new(1, Currency::Usd)),
            Some(Money::new(2_000, Currency::Usd))
        );
    }

    #[test]
    fn currency_codes_round_trip_in_any_case() {
        for currency in Currency::ALL {
            assert_eq!(Currency::from_code(currency.code()), Some(currency));
            assert_eq!(
                Currency::from_code(&currency.code().to_lowercase()),
                Some(currency)
            );
        }
        assert_eq!(Currency::from_code("XXX"), None);
    }
}
