//! The portal's shutdown on a real listener: once told to stop, `/readyz` answers 503 for
//! `grpc.shutdown_delay_ms` while pages are still served (load balancers take the pod out
//! of rotation first), then the listener closes.

use std::time::Duration;

use glocal_kit::config::Settings;

#[tokio::test]
async fn readiness_turns_off_before_the_listener_closes() {
    let mut settings = Settings::default();
    settings.portal.gateway_url = "http://127.0.0.1:9".into();
    settings.grpc.shutdown_delay_ms = 1_500;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (trigger, shutdown) = glocal_kit::shutdown::channel();
    let served =
        tokio::spawn(async move { glocal_portal::run(&settings, listener, shutdown, None).await });
    let http = reqwest::Client::new();
    let status = |path: &'static str| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            http.get(format!("{url}{path}"))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }
    };
    assert_eq!(status("/readyz").await.unwrap(), 200);

    trigger.trigger();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        status("/readyz").await.unwrap(),
        503,
        "not ready while draining"
    );
    assert_eq!(status("/healthz").await.unwrap(), 200, "still alive");
    assert_eq!(
        status("/events").await.unwrap(),
        502,
        "pages still answered"
    );

    tokio::time::timeout(Duration::from_secs(10), served)
        .await
        .expect("stops after the delay")
        .unwrap()
        .unwrap();
    assert!(status("/healthz").await.is_err(), "the listener is closed");
}
