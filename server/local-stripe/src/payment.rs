//! Paying on the hosted page: the card's outcome, the 3-D Secure step, and the
//! objects and events each one leaves behind.

use sea_orm::DbErr;
use serde_json::Value;

use crate::objects::{self, PaymentIntentRecord, SessionRecord, SessionStatus, Settled};
use crate::{cards, discounts, ids, params, render, store, LocalStripe, PayOutcome, Writing};

/// One press of Pay: who pays, with what card, for which choices.
pub struct Payment<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub outcome: cards::CardOutcome,
    pub last4: &'a str,
    pub settled: Settled,
}

impl LocalStripe {
    /// Charges the session's total with a card from the hosted page.
    pub(crate) async fn pay(
        &self,
        writing: &Writing<'_>,
        payment: Payment<'_>,
    ) -> Result<Option<PayOutcome>, DbErr> {
        let Payment {
            id,
            email,
            name,
            outcome,
            last4,
            settled,
        } = payment;
        self.expire_if_due(writing, id).await?;
        let Some(mut session) = store::session(self.db(), id).await? else {
            return Ok(None);
        };
        if session.status != SessionStatus::Open {
            return Ok(Some(PayOutcome::NotOpen(session.status)));
        }
        match outcome {
            cards::CardOutcome::Succeeds => self
                .succeed(&mut session, (email, name, last4), settled, false)
                .await
                .map(Some),
            cards::CardOutcome::SucceedsThenDisputed => self
                .succeed(&mut session, (email, name, last4), settled, true)
                .await
                .map(Some),
            cards::CardOutcome::Declined(decline) => {
                self.decline(&mut session, email, decline, &settled).await?;
                Ok(Some(PayOutcome::Declined(decline)))
            }
            cards::CardOutcome::RequiresAuthentication => {
                let txn = store::begin(self.db()).await?;
                let mut intent = self.intent_for(&txn, &mut session).await?;
                intent.amount = settled.quote.amount_total;
                intent.status = "requires_action".into();
                intent.last_payment_error = None;
                session.pending_authentication = Some(objects::PendingAuthentication {
                    email: email.to_owned(),
                    name: name.map(str::to_owned),
                    last4: last4.to_owned(),
                    settled: Some(settled),
                });
                store::save_payment_intent(&txn, &intent).await?;
                store::save_session(&txn, &session).await?;
                let object = render::payment_intent_json(&intent);
                self.emit(
                    &txn,
                    "payment_intent.requires_action",
                    &intent.id,
                    object,
                    None,
                )
                .await?;
                txn.commit().await?;
                self.inner.wake.notify_one();
                Ok(Some(PayOutcome::NeedsAuthentication))
            }
        }
    }

    /// Finishes a 3-D Secure step: `approve` pays, otherwise the payment fails.
    pub(crate) async fn authenticate(
        &self,
        writing: &Writing<'_>,
        id: &str,
        approve: bool,
    ) -> Result<Option<PayOutcome>, DbErr> {
        self.expire_if_due(writing, id).await?;
        let Some(mut session) = store::session(self.db(), id).await? else {
            return Ok(None);
        };
        if session.status != SessionStatus::Open {
            return Ok(Some(PayOutcome::NotOpen(session.status)));
        }
        let Some(pending) = session.pending_authentication.take() else {
            return Ok(Some(PayOutcome::Declined(cards::AUTHENTICATION_FAILED)));
        };
        let settled = match pending.settled {
            Some(settled) => settled,
            None => Settled {
                shipping_name: None,
                address: None,
                phone: None,
                shipping_rate: session.shipping_option(None).map(|o| o.id.clone()),
                discount: None,
                quote: session.quote(),
            },
        };
        if approve {
            self.succeed(
                &mut session,
                (&pending.email, pending.name.as_deref(), &pending.last4),
                settled,
                false,
            )
            .await
            .map(Some)
        } else {
            self.decline(
                &mut session,
                &pending.email,
                cards::AUTHENTICATION_FAILED,
                &settled,
            )
            .await?;
            Ok(Some(PayOutcome::Declined(cards::AUTHENTICATION_FAILED)))
        }
    }

    async fn intent_for(
        &self,
        txn: &impl sea_orm::ConnectionTrait,
        session: &mut SessionRecord,
    ) -> Result<PaymentIntentRecord, DbErr> {
        if let Some(id) = &session.payment_intent {
            if let Some(intent) = store::payment_intent(txn, id).await? {
                return Ok(intent);
            }
        }
        let intent = PaymentIntentRecord::new(session, self.now());
        session.payment_intent = Some(intent.id.clone());
        Ok(intent)
    }

    async fn succeed(
        &self,
        session: &mut SessionRecord,
        payer: (&str, Option<&str>, &str),
        settled: Settled,
        disputed: bool,
    ) -> Result<PayOutcome, DbErr> {
        let (email, name, _) = payer;
        let txn = store::begin(self.db()).await?;
        let mut intent = self.intent_for(&txn, session).await?;
        intent.amount = settled.quote.amount_total;
        intent.status = "succeeded".into();
        intent.last_payment_error = None;
        intent.latest_charge = Some(ids::charge());
        intent.payment_method = Some(ids::payment_method());
        session.status = SessionStatus::Complete;
        session.paid = true;
        session.paid_email = Some(email.to_owned());
        session.paid_name = name.map(str::to_owned);
        session.pending_authentication = None;
        if let Some(applied) = &settled.discount {
            discounts::redeem(&txn, &applied.promotion_code.id).await?;
        }
        session.settled = Some(settled);
        store::save_payment_intent(&txn, &intent).await?;
        store::save_session(&txn, session).await?;
        let charge = self.record_charge(&txn, &intent, payer, disputed).await?;
        self.emit(
            &txn,
            "payment_intent.succeeded",
            &intent.id,
            render::payment_intent_json(&intent),
            None,
        )
        .await?;
        let object = self.render_session(session, params::Expand::default(), None);
        self.emit(
            &txn,
            "checkout.session.completed",
            &session.id,
            object,
            None,
        )
        .await?;
        if disputed {
            self.open_dispute(&txn, &charge).await?;
        }
        txn.commit().await?;
        self.inner.wake.notify_one();
        tracing::info!(session = %session.id, amount = intent.amount, "local Stripe: payment succeeded");
        Ok(PayOutcome::Paid {
            redirect: session
                .success_url
                .replace("{CHECKOUT_SESSION_ID}", &session.id),
        })
    }

    async fn decline(
        &self,
        session: &mut SessionRecord,
        email: &str,
        decline: cards::Decline,
        settled: &Settled,
    ) -> Result<(), DbErr> {
        let txn = store::begin(self.db()).await?;
        let mut intent = self.intent_for(&txn, session).await?;
        intent.amount = settled.quote.amount_total;
        intent.status = "requires_payment_method".into();
        intent.receipt_email = Some(email.to_owned());
        let mut error = serde_json::json!({
            "type": "card_error",
            "code": decline.code,
            "message": decline.message,
            "doc_url": format!("https://stripe.com/docs/error-codes/{}", decline.code.replace('_', "-")),
        });
        if let (Some(map), Some(decline_code)) = (error.as_object_mut(), decline.decline_code) {
            map.insert("decline_code".into(), Value::from(decline_code));
        }
        intent.last_payment_error = Some(error);
        session.pending_authentication = None;
        store::save_payment_intent(&txn, &intent).await?;
        store::save_session(&txn, session).await?;
        self.emit(
            &txn,
            "payment_intent.payment_failed",
            &intent.id,
            render::payment_intent_json(&intent),
            None,
        )
        .await?;
        txn.commit().await?;
        self.inner.wake.notify_one();
        tracing::info!(session = %session.id, code = decline.code, decline_code = ?decline.decline_code, "local Stripe: payment declined");
        Ok(())
    }
}
