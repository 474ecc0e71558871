//! Compiles the protobuf contract with protox (pure Rust, no protoc) and writes the
//! encoded descriptor set for gRPC server reflection.
use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = [
        "glocal/common/v1/common.proto",
        "glocal/common/v1/files.proto",
        "glocal/requests/v1/requests.proto",
        "glocal/requests/v1/search.proto",
        "glocal/requests/v1/directory.proto",
        "glocal/training/v1/training.proto",
        "glocal/training/v1/coaching.proto",
        "glocal/training/v1/itinerary.proto",
        "glocal/training/v1/fellowship.proto",
        "glocal/events/v1/events.proto",
        "glocal/research/v1/research.proto",
        "glocal/research/v1/projects.proto",
        "glocal/notifier/v1/notifier.proto",
    ];
    for f in &files {
        println!("cargo:rerun-if-changed={f}");
    }
    let fds = protox::compile(files, ["."])?;
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("glocal_descriptor.bin"), fds.encode_to_vec())?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(fds)?;
    Ok(())
}
