//! Outgoing gRPC calls as the gateway makes them: a lazily connecting channel and a request
//! carrying the caller in metadata (`glocal-caller-sub`, `-org`, `-roles`, `-name-bin`, as
//! `glocal_kit::caller` reads them) and a deadline. Kept here, not taken from `glocal-kit`,
//! so this small binary does not build the database stack.

use std::time::Duration;

use tonic::metadata::{BinaryMetadataValue, MetadataValue};
use tonic::transport::{Channel, Endpoint};

/// Who a call is made as.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Subject.
    pub subject: String,
    /// Display name.
    pub name: String,
    /// Organisation code (a local government's, or `GAOK` for the bureau).
    pub org: String,
    /// Role names, comma-separated (`local_official`, `bureau_staff`, …).
    pub roles: &'static str,
}

/// A lazily connecting channel to `url`.
pub fn channel(url: &str) -> anyhow::Result<Channel> {
    Ok(Endpoint::from_shared(url.to_owned())?
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .connect_lazy())
}

/// A request with `caller` (none: anonymous) in metadata and a deadline.
pub fn request<T>(message: T, caller: Option<&Caller>, timeout: Duration) -> tonic::Request<T> {
    let mut req = tonic::Request::new(message);
    if let Some(c) = caller {
        let md = req.metadata_mut();
        if let Ok(v) = MetadataValue::try_from(c.subject.as_str()) {
            md.insert("glocal-caller-sub", v);
        }
        if let Ok(v) = MetadataValue::try_from(c.org.as_str()) {
            md.insert("glocal-caller-org", v);
        }
        md.insert("glocal-caller-roles", MetadataValue::from_static(c.roles));
        md.insert_bin(
            "glocal-caller-name-bin",
            BinaryMetadataValue::from_bytes(c.name.as_bytes()),
        );
    }
    req.set_timeout(timeout);
    req
}
