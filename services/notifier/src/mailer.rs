//! The [`Mailer`]s: SMTP through lettre (`smtp://` with STARTTLS when the server offers
//! it, `?tls=required` to insist, `smtps://` for TLS from the start, `user:password@` for
//! authentication), or a folder where every message is written as an `.eml` file (`glocal
//! dev`), chosen from `notifications.*`.

use std::path::PathBuf;

use glocal_kit::config::NotificationSettings;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::error::NotifierError;
use crate::service::deliver::{Mailer, OutgoingMail};

/// Where messages go.
pub enum Transport {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// A folder of `.eml` files.
    Folder(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

/// A mailer with its `From` address.
pub struct LettreMailer {
    from: Mailbox,
    transport: Transport,
}

impl std::fmt::Debug for LettreMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LettreMailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl LettreMailer {
    /// The mailer `settings` ask for: SMTP when `smtp_url` is set, else the `mail_dir`
    /// folder (created), else none.
    pub fn from_settings(
        settings: &NotificationSettings,
    ) -> Result<Option<LettreMailer>, NotifierError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| NotifierError::Transport(format!("notifications.from: {e}")))?;
        let url = settings.smtp_url.expose();
        let transport = if !url.is_empty() {
            Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| NotifierError::Transport(e.to_string()))?
                    .timeout(Some(std::time::Duration::from_secs(10)))
                    .build(),
            )
        } else if !settings.mail_dir.as_os_str().is_empty() {
            std::fs::create_dir_all(&settings.mail_dir).map_err(|e| {
                NotifierError::Transport(format!(
                    "cannot create {}: {e}",
                    settings.mail_dir.display()
                ))
            })?;
            Transport::Folder(
                AsyncFileTransport::<Tokio1Executor>::new(&settings.mail_dir),
                settings.mail_dir.clone(),
            )
        } else {
            return Ok(None);
        };
        Ok(Some(LettreMailer { from, transport }))
    }

    /// The folder messages are written to, if that is the transport.
    pub fn folder(&self) -> Option<&std::path::Path> {
        match &self.transport {
            Transport::Folder(_, dir) => Some(dir),
            Transport::Smtp(_) => None,
        }
    }
}

#[glocal_kit::component::async_trait]
impl Mailer for LettreMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), String> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| format!("recipient address: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(mail.message_id.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| format!("message: {e}"))?;
        match &self.transport {
            Transport::Smtp(t) => t.send(message).await.map(drop).map_err(|e| e.to_string()),
            Transport::Folder(t, _) => t.send(message).await.map(drop).map_err(|e| e.to_string()),
        }
    }
}
