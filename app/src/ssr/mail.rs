//! Order emails: through an SMTP server when `SMTP_URL` is set, otherwise
//! written as `.eml` files to a local outbox folder (and logged), so a store run
//! with no accounts still shows what its customers would receive.

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

/// Why an email could not be prepared or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the sender address is not valid: {0}")]
    Sender(lettre::address::AddressError),
    #[error("the recipient address is not valid: {0}")]
    Recipient(lettre::address::AddressError),
    #[error("the SMTP address is not valid: {0}")]
    SmtpUrl(lettre::transport::smtp::Error),
    #[error("the message could not be built: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("the SMTP server refused it: {0}")]
    Smtp(lettre::transport::smtp::Error),
    #[error("it could not be written: {0}")]
    Outbox(#[from] std::io::Error),
    #[error("the writer stopped: {0}")]
    Stopped(#[from] tokio::task::JoinError),
}

/// Where emails go.
#[derive(Clone)]
pub enum Mailer {
    Outbox {
        dir: PathBuf,
        from: Mailbox,
    },
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Outbox { dir, .. } => f.debug_struct("Outbox").field("dir", dir).finish(),
            // The URL may carry a password: never printed.
            Self::Smtp { .. } => f.write_str("Smtp(..)"),
        }
    }
}

impl Mailer {
    /// An SMTP mailer for `url` (`smtp://user:pass@host:587?tls=required`,
    /// `smtps://host:465`), or the outbox folder when there is none.
    pub fn new(smtp_url: Option<&str>, outbox: PathBuf, from: &str) -> Result<Self, MailError> {
        let from: Mailbox = from.parse().map_err(MailError::Sender)?;
        match smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(MailError::SmtpUrl)?
                    .build();
                Ok(Self::Smtp { transport, from })
            }
            None => Ok(Self::Outbox { dir: outbox, from }),
        }
    }

    /// A stable Message-ID for email `kind` about `key`, at the sender's domain:
    /// a resend after a crash carries the same one, so mail clients and servers
    /// can tell it is a repeat.
    pub fn message_id(&self, kind: &str, key: &str) -> String {
        let from = match self {
            Self::Outbox { from, .. } | Self::Smtp { from, .. } => from,
        };
        format!("<{kind}.{key}@{}>", from.email.domain())
    }

    /// Sends a plain-text email; `name` names the outbox file.
    pub async fn send(
        &self,
        name: &str,
        to: &str,
        subject: &str,
        body: String,
        message_id: &str,
    ) -> Result<String, MailError> {
        let from = match self {
            Self::Outbox { from, .. } | Self::Smtp { from, .. } => from.clone(),
        };
        let to: Mailbox = to.parse().map_err(MailError::Recipient)?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .message_id(Some(message_id.to_owned()))
            .header(ContentType::TEXT_PLAIN)
            .body(body)?;
        match self {
            Self::Smtp { transport, .. } => transport
                .send(message)
                .await
                .map(|_| "sent by SMTP".to_owned())
                .map_err(MailError::Smtp),
            Self::Outbox { dir, .. } => {
                let dir = dir.clone();
                let file = dir.join(format!("{name}.eml"));
                let bytes = message.formatted();
                let shown = file.display().to_string();
                tokio::task::spawn_blocking(move || {
                    std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&file, bytes))
                })
                .await??;
                Ok(format!("written to {shown}"))
            }
        }
    }
}
