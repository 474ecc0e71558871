//! Generated gRPC code for Glocal's contract (`proto/glocal/**`). Nothing hand-written
//! lives here except the module tree and the reflection descriptor.
#![allow(missing_docs, clippy::all, clippy::pedantic)]

/// Encoded `FileDescriptorSet` of every Glocal proto, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/glocal_descriptor.bin"));

/// `glocal.common.v1`: paging and localized text.
pub mod common {
    pub mod v1 {
        tonic::include_proto!("glocal.common.v1");
    }
}

/// `glocal.requests.v1`: the Online Bureau.
pub mod requests {
    pub mod v1 {
        tonic::include_proto!("glocal.requests.v1");
    }
}

/// `glocal.research.v1`: the best-practice library and the partner network.
pub mod research {
    pub mod v1 {
        tonic::include_proto!("glocal.research.v1");
    }
}

/// `glocal.events.v1`: conferences, workshops, forums and lectures.
pub mod events {
    pub mod v1 {
        tonic::include_proto!("glocal.events.v1");
    }
}

/// `glocal.training.v1`: training programmes, applications, participants and certificates.
pub mod training {
    pub mod v1 {
        tonic::include_proto!("glocal.training.v1");
    }
}

/// `glocal.notifier.v1`: a person's inbox of notices, preferences and contact.
pub mod notifier {
    pub mod v1 {
        tonic::include_proto!("glocal.notifier.v1");
    }
}
