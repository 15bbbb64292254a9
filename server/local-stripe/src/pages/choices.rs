//! The part of the payment page a session asks for beyond the card: the shipping
//! address and phone, the shipping options, and the promotion code; and what
//! the shopper's choices cost.

use maud::{html, Markup};
use std::collections::BTreeMap;

use super::money_text;
use crate::cards::{Field, FieldError};
use crate::discounts::{self, CouponRecord, PromotionCodeRecord};
use crate::form::Param;
use crate::objects::{Address, AppliedDiscount, SessionRecord, Settled};
use crate::pricing::{self, Quote};
use crate::{ids, LocalStripe};

/// What the shopper typed and picked beyond the card.
#[derive(Default)]
pub struct Choices {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
    pub shipping_rate: String,
    pub promotion_code: String,
    /// The total the page showed when the shopper pressed Pay.
    pub shown_total: Option<i64>,
    /// The terms of service box is ticked.
    pub terms: bool,
}

impl Choices {
    pub fn from_form(params: &BTreeMap<String, Param>) -> Self {
        let get = |key: &str| crate::form::text(params, key);
        Self {
            name: get("shipping_name"),
            line1: get("shipping_line1"),
            line2: get("shipping_line2"),
            city: get("shipping_city"),
            state: get("shipping_state").to_ascii_uppercase(),
            postal_code: get("shipping_postal_code"),
            country: get("shipping_country").to_ascii_uppercase(),
            phone: get("phone"),
            shipping_rate: get("shipping_rate"),
            promotion_code: get("promotion_code"),
            shown_total: get("shown_total").parse().ok(),
            terms: get("terms_of_service") == "accepted",
        }
    }

    /// The shipping option picked, or the session's default when none is.
    fn chosen_option<'a>(
        &self,
        session: &'a SessionRecord,
    ) -> Option<&'a crate::objects::ShippingOptionRecord> {
        let picked = Some(self.shipping_rate.as_str()).filter(|id| !id.is_empty());
        session.shipping_option(picked)
    }

    /// Whether the country is one the session ships to; the first when none is picked.
    fn country<'a>(&'a self, session: &'a SessionRecord) -> Option<&'a str> {
        let allowed = session.collect.shipping_countries.as_ref()?;
        if self.country.is_empty() {
            return allowed.first().map(String::as_str);
        }
        allowed
            .iter()
            .find(|c| **c == self.country)
            .map(String::as_str)
    }

    /// The address as far as tax needs it, even before the rest is filled in.
    fn tax_address(&self, session: &SessionRecord) -> Option<Address> {
        let country = self.country(session)?;
        if !self.country_chosen() || (country == "US" && self.state.is_empty()) {
            return None;
        }
        Some(self.address(country))
    }

    fn country_chosen(&self) -> bool {
        !self.country.is_empty()
    }

    fn address(&self, country: &str) -> Address {
        let optional = |text: &str| Some(text.to_owned()).filter(|t| !t.is_empty());
        Address {
            line1: self.line1.clone(),
            line2: optional(&self.line2),
            city: self.city.clone(),
            state: optional(&self.state),
            postal_code: self.postal_code.clone(),
            country: country.to_owned(),
        }
    }

    /// The complete shipping address, or the first field Checkout would flag.
    pub fn checked_address(&self, session: &SessionRecord) -> Result<Option<Address>, FieldError> {
        if session.collect.shipping_countries.is_none() {
            return Ok(None);
        }
        let problem = |field, message| Err(FieldError { field, message });
        if self.name.is_empty() {
            return problem(Field::ShippingName, "Your name is incomplete.");
        }
        let Some(country) = self.country(session).filter(|_| self.country_chosen()) else {
            return problem(Field::Country, "We cannot ship to this country.");
        };
        if self.line1.is_empty() {
            return problem(Field::Line1, "Your address is incomplete.");
        }
        if self.city.is_empty() {
            return problem(Field::City, "Your city is incomplete.");
        }
        if ["US", "CA"].contains(&country) && self.state.is_empty() {
            return problem(Field::State, "Your state is incomplete.");
        }
        if self.postal_code.is_empty() {
            return problem(Field::PostalCode, "Your postal code is incomplete.");
        }
        if session.collect.phone && self.phone.chars().filter(char::is_ascii_digit).count() < 7 {
            return problem(Field::Phone, "Your phone number is incomplete.");
        }
        Ok(Some(self.address(country)))
    }
}

/// The shopper's choices priced: what would be charged, and what gets recorded.
pub struct Priced {
    pub quote: Quote,
    pub discount: Option<(PromotionCodeRecord, CouponRecord)>,
    /// Whether tax is still waiting for an address.
    pub tax_pending: bool,
}

/// Prices the choices; a code that cannot be used is a problem on its field.
pub async fn price(
    stripe: &LocalStripe,
    session: &SessionRecord,
    choices: &Choices,
) -> Result<(Priced, Option<FieldError>), sea_orm::DbErr> {
    let mut problem = None;
    let option = if choices.shipping_rate.is_empty() {
        session.shipping_option(None)
    } else {
        let chosen = choices.chosen_option(session);
        if chosen.is_none() {
            problem = Some(FieldError {
                field: Field::ShippingRate,
                message: "Choose a shipping option.",
            });
        }
        chosen.or_else(|| session.shipping_option(None))
    };
    let mut discount = None;
    if session.collect.promotion_codes && !choices.promotion_code.is_empty() {
        match discounts::redeemable(
            stripe.db(),
            &choices.promotion_code,
            &session.currency,
            stripe.now(),
        )
        .await?
        {
            Ok(found) => discount = Some(found),
            Err(message) => {
                problem = problem.or(Some(FieldError {
                    field: Field::PromotionCode,
                    message,
                }))
            }
        }
    }
    let address = choices.tax_address(session);
    let rate = match (&address, session.collect.automatic_tax) {
        (Some(address), true) => stripe.config().tax_rates.rate_for(address),
        _ => None,
    };
    let quote = pricing::quote(
        session,
        option,
        discount.as_ref().map(|(_, coupon)| coupon.reduction()),
        rate,
    );
    let tax_pending = session.collect.automatic_tax && address.is_none();
    Ok((
        Priced {
            quote,
            discount,
            tax_pending,
        },
        problem,
    ))
}

/// What a payment records on the session.
pub fn settle(
    session: &SessionRecord,
    choices: &Choices,
    address: Option<Address>,
    priced: Priced,
) -> Settled {
    let optional = |text: &str| Some(text.to_owned()).filter(|t| !t.is_empty());
    let shipping_rate = choices
        .chosen_option(session)
        .map(|option| option.id.clone());
    Settled {
        shipping_name: address.as_ref().and_then(|_| optional(&choices.name)),
        address,
        phone: optional(&choices.phone).filter(|_| session.collect.phone),
        shipping_rate,
        discount: priced
            .discount
            .map(|(promotion_code, coupon)| AppliedDiscount {
                id: ids::discount(),
                coupon,
                promotion_code,
            }),
        quote: priced.quote,
    }
}

/// Where the store's terms are: its own site, as `success_url` names it.
fn terms_url(session: &SessionRecord) -> String {
    let url = &session.success_url;
    let host_start = url.find("://").map_or(0, |i| i + 3);
    let end = url[host_start..]
        .find('/')
        .map_or(url.len(), |i| host_start + i);
    format!("{}/policies/terms", &url[..end])
}

/// The terms box Checkout shows with `consent_collection[terms_of_service]`.
pub fn terms(session: &SessionRecord, choices: &Choices, error: Option<&'static str>) -> Markup {
    html! {
        @if session.collect.terms_of_service {
            div {
                label.check {
                    input type="checkbox" name="terms_of_service" value="accepted" checked[choices.terms]
                        aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "terms-error")];
                    span { "I agree to the " a href=(terms_url(session)) target="_blank" rel="noopener" { "Terms of Service" } }
                }
                @if let Some(message) = error {
                    p.field-error id="terms-error" { (message) }
                }
            }
        }
    }
}

/// Country names for the address form; other codes show as themselves.
const COUNTRIES: &[(&str, &str)] = &[
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("AT", "Austria"),
    ("BE", "Belgium"),
    ("BG", "Bulgaria"),
    ("HR", "Croatia"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DK", "Denmark"),
    ("EE", "Estonia"),
    ("FI", "Finland"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("GR", "Greece"),
    ("HU", "Hungary"),
    ("IE", "Ireland"),
    ("IT", "Italy"),
    ("LV", "Latvia"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("MT", "Malta"),
    ("NL", "Netherlands"),
    ("PL", "Poland"),
    ("PT", "Portugal"),
    ("RO", "Romania"),
    ("SK", "Slovakia"),
    ("SI", "Slovenia"),
    ("ES", "Spain"),
    ("SE", "Sweden"),
    ("JP", "Japan"),
    ("KW", "Kuwait"),
];

fn country_name(code: &str) -> &str {
    COUNTRIES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, name)| name)
}

fn estimate(option: &crate::objects::ShippingOptionRecord) -> Option<String> {
    let unit = |b: &crate::objects::EstimateBound| match b.unit.as_str() {
        "business_day" => "business days",
        "day" => "days",
        "hour" => "hours",
        "week" => "weeks",
        _ => "months",
    };
    match (&option.minimum, &option.maximum) {
        (Some(min), Some(max)) if min.value == max.value => {
            Some(format!("{} {}", min.value, unit(min)))
        }
        (Some(min), Some(max)) => Some(format!("{}–{} {}", min.value, max.value, unit(max))),
        (Some(min), None) => Some(format!("At least {} {}", min.value, unit(min))),
        (None, Some(max)) => Some(format!("Up to {} {}", max.value, unit(max))),
        (None, None) => None,
    }
}

/// Draws one text field: id, label, value, autocomplete, field, required.
pub type TextInput<'a> =
    dyn Fn(&'static str, &'static str, &str, &'static str, Field, bool) -> Markup + 'a;

/// The address, shipping and code fields, with `input` drawing each text field.
pub fn fields(
    session: &SessionRecord,
    choices: &Choices,
    applied: Option<&str>,
    input: &TextInput<'_>,
    error_for: &dyn Fn(Field) -> Option<&'static str>,
) -> Markup {
    let collect = &session.collect;
    let chosen = if choices.shipping_rate.is_empty() {
        session.shipping_option(None).map(|o| o.id.as_str())
    } else {
        Some(choices.shipping_rate.as_str())
    };
    let country = if choices.country.is_empty() {
        collect
            .shipping_countries
            .as_ref()
            .and_then(|c| c.first().cloned())
            .unwrap_or_default()
    } else {
        choices.country.clone()
    };
    html! {
        @if let Some(countries) = &collect.shipping_countries {
            fieldset {
                legend { "Shipping address" }
                (input("shipping_name", "Full name", &choices.name, "name", Field::ShippingName, true))
                div {
                    label for="shipping_country" { "Country or region" }
                    select id="shipping_country" name="shipping_country" autocomplete="country"
                        aria-invalid=[error_for(Field::Country).map(|_| "true")] {
                        @for code in countries {
                            option value=(code) selected[*code == country] { (country_name(code)) }
                        }
                    }
                    @if let Some(message) = error_for(Field::Country) {
                        p.field-error { (message) }
                    }
                }
                (input("shipping_line1", "Address line 1", &choices.line1, "address-line1", Field::Line1, true))
                (input("shipping_line2", "Address line 2 (optional)", &choices.line2, "address-line2", Field::Line2, false))
                div.row {
                    (input("shipping_city", "City", &choices.city, "address-level2", Field::City, true))
                    (input("shipping_postal_code", "Postal code", &choices.postal_code, "postal-code", Field::PostalCode, true))
                }
                (input("shipping_state", "State, province or county", &choices.state, "address-level1", Field::State, false))
                @if collect.phone {
                    (input("phone", "Phone number", &choices.phone, "tel", Field::Phone, true))
                }
            }
        }
        @if !session.shipping_options.is_empty() {
            fieldset data-testid="shipping-options" {
                legend { "Shipping method" }
                @for option in &session.shipping_options {
                    label.choice {
                        input type="radio" name="shipping_rate" value=(option.id)
                            checked[Some(option.id.as_str()) == chosen];
                        span {
                            strong { (option.display_name) }
                            @if let Some(estimate) = estimate(option) {
                                span.caption { (estimate) }
                            }
                        }
                        span.num {
                            @if option.amount == 0 { "Free" } @else { (money_text(option.amount, &session.currency)) }
                        }
                    }
                }
                @if let Some(message) = error_for(Field::ShippingRate) {
                    p.field-error { (message) }
                }
            }
        }
        @if collect.promotion_codes {
            div {
                label for="promotion_code" { "Add promotion code" }
                div.code {
                    input id="promotion_code" name="promotion_code" value=(choices.promotion_code)
                        autocomplete="off" autocapitalize="characters"
                        aria-invalid=[error_for(Field::PromotionCode).map(|_| "true")]
                        aria-describedby=[error_for(Field::PromotionCode).map(|_| "promotion_code-error")];
                    button.btn.btn-secondary type="submit" name="apply" value="code" formnovalidate { "Apply" }
                }
                @if let Some(message) = error_for(Field::PromotionCode) {
                    p.field-error id="promotion_code-error" data-testid="code-error" { (message) }
                } @else if let Some(code) = applied {
                    p.caption data-testid="code-applied" { (code) " applied" }
                }
            }
        }
    }
}
