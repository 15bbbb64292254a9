//! What Stripe says about a Checkout Session, read from a verified event or
//! from Stripe's API; never from the browser.

/// The promotion code a session used: its text once Stripe has shown the
/// object (`expand[]=discounts.promotion_code`), else only its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromotionCodeRef {
    Code(String),
    Id(String),
}

/// Where the order goes, from `collected_information.shipping_details`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShippingFacts {
    pub name: String,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionFacts {
    pub id: String,
    pub complete: bool,
    pub paid: bool,
    /// The lines' total before discount, shipping and tax.
    pub amount_subtotal: Option<i64>,
    pub amount_discount: i64,
    pub amount_shipping: i64,
    pub amount_tax: i64,
    pub amount_total: Option<i64>,
    pub currency: Option<String>,
    pub email: Option<String>,
    /// Stripe's own word on whether real money moved.
    pub livemode: bool,
    /// The PaymentIntent that paid, once Stripe has made one.
    pub payment_intent: Option<String>,
    /// Stripe's id of the shipping rate chosen.
    pub shipping_rate: Option<String>,
    pub shipping: Option<ShippingFacts>,
    pub phone: Option<String>,
    pub promotion_code: Option<PromotionCodeRef>,
}

impl SessionFacts {
    /// Whether the code's text still has to be asked of Stripe.
    pub fn needs_promotion_code(&self) -> bool {
        matches!(self.promotion_code, Some(PromotionCodeRef::Id(_)))
    }
}

impl From<&stripe_shared::CheckoutSession> for SessionFacts {
    fn from(session: &stripe_shared::CheckoutSession) -> Self {
        use stripe_shared::{CheckoutSessionPaymentStatus, CheckoutSessionStatus};
        use stripe_types::Expandable;
        let totals = session.total_details.as_ref();
        let shipping = session
            .collected_information
            .as_ref()
            .and_then(|info| info.shipping_details.as_ref())
            .map(|details| ShippingFacts {
                name: details.name.clone(),
                line1: details.address.line1.clone(),
                line2: details.address.line2.clone(),
                city: details.address.city.clone(),
                state: details.address.state.clone(),
                postal_code: details.address.postal_code.clone(),
                country: details.address.country.clone(),
            });
        let promotion_code = session
            .discounts
            .iter()
            .flatten()
            .find_map(|discount| discount.promotion_code.as_ref())
            .map(|code| match code {
                Expandable::Object(code) => PromotionCodeRef::Code(code.code.clone()),
                Expandable::Id(id) => PromotionCodeRef::Id(id.as_str().to_owned()),
            });
        Self {
            id: session.id.as_str().to_owned(),
            complete: session.status == Some(CheckoutSessionStatus::Complete),
            paid: session.payment_status == CheckoutSessionPaymentStatus::Paid,
            amount_subtotal: session.amount_subtotal,
            amount_discount: totals.map_or(0, |t| t.amount_discount),
            amount_shipping: totals.and_then(|t| t.amount_shipping).unwrap_or(0),
            amount_tax: totals.map_or(0, |t| t.amount_tax),
            amount_total: session.amount_total,
            currency: session.currency.as_ref().map(|c| c.to_string()),
            email: session
                .customer_details
                .as_ref()
                .and_then(|details| details.email.clone())
                .or_else(|| session.customer_email.clone()),
            livemode: session.livemode,
            payment_intent: session
                .payment_intent
                .as_ref()
                .map(|intent| intent.id().as_str().to_owned()),
            shipping_rate: session
                .shipping_cost
                .as_ref()
                .and_then(|cost| cost.shipping_rate.as_ref())
                .map(|rate| rate.id().as_str().to_owned()),
            shipping,
            phone: session
                .customer_details
                .as_ref()
                .and_then(|details| details.phone.clone()),
            promotion_code,
        }
    }
}
