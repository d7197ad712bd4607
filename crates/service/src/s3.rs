//! An S3-compatible store for documents' content (issue 17 §2): objects put, got and deleted
//! over HTTP/1.1, each request signed with AWS Signature Version 4 (checked against the
//! signature AWS publishes for its own example). Path-style addresses
//! (`http://host:9000/bucket/key`), as MinIO, Ceph and Garage take them. The content is sealed
//! before it leaves (`homeward_store::cipher`); plain `http://` is for a store on the same private
//! network: the secret key is never sent, only signatures.

use hmac::{KeyInit, Mac};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Where and how to reach the store.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// `host:port`.
    pub host: String,
    pub bucket: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: String,
}

impl std::fmt::Debug for S3Config {
    /// Never the secret key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "S3Config(http://{}/{}, {})", self.host, self.bucket, self.region)
    }
}

impl S3Config {
    /// From `http://host:port/bucket` and the credentials; an address that is not one is said.
    pub fn new(url: &str, region: &str, access_key: &str, secret_key: &str) -> Result<S3Config, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            format!("`{url}`: give the store as http://HOST:PORT/BUCKET (on a private network; the content is sealed)")
        })?;
        let (host, bucket) = rest.split_once('/').ok_or_else(|| format!("`{url}`: the address names no bucket"))?;
        let bucket = bucket.trim_end_matches('/');
        if host.is_empty() || bucket.is_empty() || bucket.contains('/') {
            return Err(format!("`{url}`: give the store as http://HOST:PORT/BUCKET"));
        }
        if access_key.is_empty() || secret_key.is_empty() {
            return Err("the store's access key and secret key are both needed".into());
        }
        Ok(S3Config {
            host: host.to_string(),
            bucket: bucket.to_string(),
            region: region.to_string(),
            access_key: access_key.to_string(),
            secret_key: secret_key.to_string(),
        })
    }
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = <hmac::Hmac<sha2::Sha256>>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Authorization` header of a request (Signature Version 4): `headers` are its lowercase
/// names and values, `path` its URI-encoded path, `payload` the SHA-256 of its body in hex,
/// `at` its `x-amz-date` (`YYYYMMDDTHHMMSSZ`).
#[allow(clippy::too_many_arguments)]
pub fn authorization(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    payload: &str,
    at: &str,
    region: &str,
    service: &str,
    access_key: &str,
    secret_key: &str,
) -> String {
    let mut headers: Vec<(&str, &str)> = headers.to_vec();
    headers.sort_unstable();
    let canonical_headers: String = headers.iter().map(|(n, v)| format!("{n}:{}\n", v.trim())).collect();
    let signed: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
    let signed = signed.join(";");
    let canonical = format!("{method}\n{path}\n\n{canonical_headers}\n{signed}\n{payload}");
    let day = &at[..8];
    let scope = format!("{day}/{region}/{service}/aws4_request");
    let to_sign = format!("AWS4-HMAC-SHA256\n{at}\n{scope}\n{}", homeward_store::sha256_hex(canonical.as_bytes()));
    let key = [day, region, service, "aws4_request"]
        .iter()
        .fold(format!("AWS4{secret_key}").into_bytes(), |key, part| hmac(&key, part));
    let signature = hex(&hmac(&key, &to_sign));
    format!("AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature}")
}

/// What went wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum S3Error {
    #[error("the documents store cannot be reached: {0}")]
    Unreachable(String),
    #[error("the documents store answered {0}")]
    Refused(u16),
}

impl S3Config {
    /// One signed request to `path`; the status and body.
    async fn send(&self, method: &str, path: &str, body: Vec<u8>) -> Result<(u16, Vec<u8>), S3Error> {
        let unreachable = |e: &dyn std::fmt::Display| S3Error::Unreachable(e.to_string());
        let at = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        let payload = homeward_store::sha256_hex(&body);
        let headers =
            [("host", self.host.as_str()), ("x-amz-content-sha256", payload.as_str()), ("x-amz-date", at.as_str())];
        let auth = authorization(
            method,
            path,
            &headers,
            &payload,
            &at,
            &self.region,
            "s3",
            &self.access_key,
            &self.secret_key,
        );
        let stream = TcpStream::connect(&self.host).await.map_err(|e| unreachable(&e))?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| unreachable(&e))?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        let request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", &self.host)
            .header("x-amz-content-sha256", &payload)
            .header("x-amz-date", &at)
            .header("authorization", auth)
            .header("content-length", body.len())
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| unreachable(&e))?;
        let response = sender.send_request(request).await.map_err(|e| unreachable(&e))?;
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.map_err(|e| unreachable(&e))?.to_bytes();
        Ok((status, bytes.to_vec()))
    }

    fn object(&self, key: &str) -> String {
        format!("/{}/{}", self.bucket, key)
    }

    pub async fn put(&self, key: &str, content: Vec<u8>) -> Result<(), S3Error> {
        match self.send("PUT", &self.object(key), content).await? {
            (200..=299, _) => Ok(()),
            (status, _) => Err(S3Error::Refused(status)),
        }
    }

    /// An object's content; `None` when there is none.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, S3Error> {
        match self.send("GET", &self.object(key), Vec::new()).await? {
            (200..=299, body) => Ok(Some(body)),
            (404, _) => Ok(None),
            (status, _) => Err(S3Error::Refused(status)),
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), S3Error> {
        match self.send("DELETE", &self.object(key), Vec::new()).await? {
            (200..=299 | 404, _) => Ok(()),
            (status, _) => Err(S3Error::Refused(status)),
        }
    }

    /// Makes the bucket if it is not there (at start, so the first upload does not fail).
    pub async fn ensure_bucket(&self) -> Result<(), S3Error> {
        // 409: the bucket is there already (it is ours).
        match self.send("PUT", &format!("/{}", self.bucket), Vec::new()).await? {
            (200..=299 | 409, _) => Ok(()),
            (status, _) => Err(S3Error::Refused(status)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's own example of Signature Version 4 ("get-vanilla" of its test suite).
    #[test]
    fn the_signature_is_the_one_aws_publishes_for_its_example() {
        let auth = authorization(
            "GET",
            "/",
            &[("host", "example.amazonaws.com"), ("x-amz-date", "20150830T123600Z")],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "20150830T123600Z",
            "us-east-1",
            "service",
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        );
        assert_eq!(
            auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    #[test]
    fn a_store_is_an_http_address_with_a_bucket_and_credentials() {
        assert!(S3Config::new("http://minio:9000/documents", "us-east-1", "a", "s").is_ok());
        assert!(
            S3Config::new("https://s3.amazonaws.com/documents", "us-east-1", "a", "s").unwrap_err().contains("http://")
        );
        assert!(S3Config::new("http://minio:9000", "us-east-1", "a", "s").unwrap_err().contains("no bucket"));
        assert!(S3Config::new("http://minio:9000/docs", "us-east-1", "", "s").is_err());
        let debug = format!("{:?}", S3Config::new("http://minio:9000/docs", "us-east-1", "a", "topsecret").unwrap());
        assert!(!debug.contains("topsecret"));
    }
}
