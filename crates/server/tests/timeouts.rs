//! Stalled clients cannot hold connections (issue 12, part 5): the server closes a connection
//! whose headers do not arrive, or that sits idle, and answers 408 to a body that stalls.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use homeward_server::hardening::{Hardening, harden, serve};
use support::TestApp;

/// Serves the API with short limits on a free port.
async fn server(t: &TestApp) -> (u16, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let limits = Hardening {
        header_timeout: Duration::from_millis(300),
        body_timeout: Duration::from_millis(300),
        ..Hardening::default()
    };
    let app = harden(homeward_server::routes(t.services.clone()), &limits);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        serve(listener, app, &limits, async move {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    (port, stop)
}

/// Everything the server sends until it closes the connection (or 10 s pass: then the test fails).
fn until_closed(mut stream: TcpStream) -> String {
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return String::from_utf8_lossy(&out).into_owned(),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return String::from_utf8_lossy(&out).into_owned();
            }
            Err(e) => panic!("the server kept a stalled connection open: {e}; got {:?}", String::from_utf8_lossy(&out)),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_headers_idle_connections_and_stalled_bodies_are_cut_off() {
    let t = TestApp::sqlite().await;
    let (port, stop) = server(&t).await;
    let got = tokio::task::spawn_blocking(move || {
        // Half a request line, then nothing.
        let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").unwrap();
        let headers = until_closed(slow);
        // A kept-alive connection that goes quiet after one answer.
        let mut idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
        idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let idle_answer = until_closed(idle);
        // A body announced at 100 bytes that stops after 10.
        let mut body = TcpStream::connect(("127.0.0.1", port)).unwrap();
        body.write_all(
            b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"usernam",
        )
        .unwrap();
        let stalled = until_closed(body);
        (headers, idle_answer, stalled)
    })
    .await
    .unwrap();
    let (headers, idle_answer, stalled) = got;
    assert!(!headers.contains("200 OK"), "no answer to half a request: {headers:?}");
    assert!(idle_answer.starts_with("HTTP/1.1 200"), "answered, then closed when idle: {idle_answer:?}");
    assert!(stalled.starts_with("HTTP/1.1 408"), "a stalled body answers 408: {stalled:?}");
    let _ = stop.send(());
    t.finish().await;
}
