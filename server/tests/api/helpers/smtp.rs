//! A mail server for the tests of the store's emails.

/// A mail server that keeps each message's text. It refuses the first
/// `refusals` messages with a temporary error (451), as a busy server does,
/// and accepts everything after.
pub fn fake_smtp_server(
    refusals: usize,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let store = received.clone();
    let refused = std::sync::Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let store = store.clone();
            let refused = refused.clone();
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let reader = BufReader::new(stream);
                let _ = writer.write_all(b"220 test ESMTP\r\n");
                let (mut in_data, mut message) = (false, String::new());
                for line in reader.lines() {
                    let Ok(line) = line else { break };
                    if in_data {
                        if line == "." {
                            in_data = false;
                            store.lock().unwrap().push(std::mem::take(&mut message));
                            let _ = writer.write_all(b"250 queued\r\n");
                        } else {
                            message.push_str(&line);
                            message.push('\n');
                        }
                        continue;
                    }
                    let command = line.to_ascii_uppercase();
                    let answer: &[u8] = if command.starts_with("MAIL FROM")
                        && refused.fetch_add(1, Ordering::SeqCst) < refusals
                    {
                        b"451 4.3.0 try again later\r\n"
                    } else if command.starts_with("EHLO") {
                        b"250-test\r\n250 OK\r\n"
                    } else if command.starts_with("DATA") {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if command.starts_with("QUIT") {
                        let _ = writer.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = writer.write_all(answer);
                }
            });
        }
    });
    (url, received)
}
