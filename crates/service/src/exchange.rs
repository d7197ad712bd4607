//! What travels between two Homeward installations (issue 17 §1): a file signed by the sending
//! installation (Ed25519) and sealed so that only the receiving one opens it (X25519 between the
//! two installations' keys, HKDF-SHA256, AES-256-GCM). Each installation has one exchange key;
//! its public half, with a short fingerprint that two administrators compare by phone, is what a
//! partner registers. A file is refused when it is for another installation, from an
//! installation not registered, or changed on the way.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as BASE64;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use x25519_dalek::{PublicKey, StaticSecret};

const FORMAT: &str = "homeward-exchange-1";
const PUBLIC_PREFIX: &str = "hwx1:";

/// Why a file from another installation is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    #[error("this is not a Homeward exchange file")]
    Malformed,
    #[error("this file is for another installation (fingerprint {0}), not this one")]
    WrongRecipient(String),
    #[error("this file comes from an installation that is not registered here (fingerprint {0})")]
    UnknownSender(String),
    #[error("this file was changed after it was signed: it is refused")]
    Tampered,
    #[error("`{0}` is not an installation's public key (hwx1:...)")]
    BadPublicKey(String),
    #[error("no randomness: {0}")]
    Randomness(String),
}

/// An installation's public exchange key: what partners register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicIdentity {
    sign: [u8; 32],
    agree: [u8; 32],
}

impl PublicIdentity {
    /// Its text: `hwx1:` and the two public keys in base64.
    pub fn to_text(&self) -> String {
        format!("{PUBLIC_PREFIX}{}", BASE64.encode([self.sign, self.agree].concat()))
    }

    pub fn parse(text: &str) -> Result<PublicIdentity, ExchangeError> {
        let bad = || ExchangeError::BadPublicKey(text.chars().take(80).collect());
        let bytes = BASE64.decode(text.trim().strip_prefix(PUBLIC_PREFIX).ok_or_else(bad)?).map_err(|_| bad())?;
        if bytes.len() != 64 {
            return Err(bad());
        }
        let (sign, agree) = bytes.split_at(32);
        let identity =
            PublicIdentity { sign: sign.try_into().map_err(|_| bad())?, agree: agree.try_into().map_err(|_| bad())? };
        VerifyingKey::from_bytes(&identity.sign).map_err(|_| bad())?;
        Ok(identity)
    }

    /// Five groups of four characters to read out on the phone (of its SHA-256).
    pub fn fingerprint(&self) -> String {
        let hash = homeward_store::sha256_hex(self.to_text().as_bytes());
        hash.as_bytes()[..20].chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
    }
}

/// An installation's exchange key (kept in a file beside the data keys, never in the database).
#[derive(Clone)]
pub struct ExchangeKeys {
    signing: SigningKey,
    agreement: StaticSecret,
}

impl std::fmt::Debug for ExchangeKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExchangeKeys({})", self.public().fingerprint())
    }
}

fn random32() -> Result<[u8; 32], ExchangeError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ExchangeError::Randomness(e.to_string()))?;
    Ok(bytes)
}

/// The file's fields, as written.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    format: String,
    kind: String,
    from: String,
    to: String,
    nonce: String,
    body: String,
    signature: String,
}

impl Envelope {
    /// What the signature covers: every field but itself.
    fn signed_bytes(&self) -> Vec<u8> {
        [self.format.as_str(), &self.kind, &self.from, &self.to, &self.nonce, &self.body].join("\n").into_bytes()
    }
}

impl ExchangeKeys {
    pub fn generate() -> Result<ExchangeKeys, ExchangeError> {
        Ok(ExchangeKeys { signing: SigningKey::from_bytes(&random32()?), agreement: StaticSecret::from(random32()?) })
    }

    /// Reads the key file: `sign HEX` and `agree HEX`.
    pub fn parse(text: &str) -> Result<ExchangeKeys, String> {
        let mut sign = None;
        let mut agree = None;
        for (n, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, hex) = line.split_once(' ').ok_or_else(|| format!("line {n}: expected `NAME HEX`"))?;
            let bytes: [u8; 32] = (0..hex.trim().len())
                .step_by(2)
                .map(|i| hex.trim().get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
                .collect::<Option<Vec<u8>>>()
                .and_then(|v| v.try_into().ok())
                .ok_or_else(|| format!("line {n}: the key is not 32 bytes of hexadecimal"))?;
            match name {
                "sign" => sign = Some(bytes),
                "agree" => agree = Some(bytes),
                other => return Err(format!("line {n}: `{other}` is neither `sign` nor `agree`")),
            }
        }
        match (sign, agree) {
            (Some(s), Some(a)) => {
                Ok(ExchangeKeys { signing: SigningKey::from_bytes(&s), agreement: StaticSecret::from(a) })
            }
            _ => Err("it needs a `sign` and an `agree` key".into()),
        }
    }

    pub fn to_text(&self) -> String {
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        format!(
            "# Homeward's exchange key: partners registered its public half ({}).\n# Keep it apart from the database.\nsign {}\nagree {}\n",
            self.public().fingerprint(),
            hex(&self.signing.to_bytes()),
            hex(self.agreement.as_bytes())
        )
    }

    pub fn public(&self) -> PublicIdentity {
        PublicIdentity {
            sign: self.signing.verifying_key().to_bytes(),
            agree: PublicKey::from(&self.agreement).to_bytes(),
        }
    }

    /// The cipher between this installation and `other`, the same on both sides.
    fn cipher(&self, other: &PublicIdentity, sender: &PublicIdentity, receiver: &PublicIdentity) -> Aes256Gcm {
        let shared = self.agreement.diffie_hellman(&PublicKey::from(other.agree));
        let info = [sender.to_text(), receiver.to_text()].join("\n");
        let hkdf = hkdf::Hkdf::<sha2::Sha256>::new(Some(FORMAT.as_bytes()), shared.as_bytes());
        let mut key = [0u8; 32];
        hkdf.expand(info.as_bytes(), &mut key).expect("32 bytes is a valid HKDF length");
        Aes256Gcm::new_from_slice(&key).expect("a 32-byte key")
    }

    /// `body` as a file of `kind` only `to` opens, signed by this installation.
    pub fn seal(&self, to: &PublicIdentity, kind: &str, body: &[u8]) -> Result<Vec<u8>, ExchangeError> {
        let me = self.public();
        let nonce: [u8; 12] = random32()?[..12].try_into().expect("12 bytes");
        let sealed = self
            .cipher(to, &me, to)
            .encrypt(&Nonce::from(nonce), Payload { msg: body, aad: kind.as_bytes() })
            .map_err(|_| ExchangeError::Tampered)?;
        let mut envelope = Envelope {
            format: FORMAT.into(),
            kind: kind.into(),
            from: me.to_text(),
            to: to.to_text(),
            nonce: BASE64.encode(nonce),
            body: BASE64.encode(sealed),
            signature: String::new(),
        };
        envelope.signature = BASE64.encode(self.signing.sign(&envelope.signed_bytes()).to_bytes());
        Ok(serde_json::to_vec_pretty(&envelope).expect("an envelope serialises"))
    }

    /// Opens a file: checks it is for this installation, from a sender `known` names, signed by
    /// it and unchanged; its sender's name, its kind and its body.
    pub fn open(
        &self,
        file: &[u8],
        known: impl Fn(&PublicIdentity) -> Option<String>,
    ) -> Result<(String, String, Vec<u8>), ExchangeError> {
        let envelope: Envelope = serde_json::from_slice(file).map_err(|_| ExchangeError::Malformed)?;
        if envelope.format != FORMAT {
            return Err(ExchangeError::Malformed);
        }
        let me = self.public();
        let to = PublicIdentity::parse(&envelope.to).map_err(|_| ExchangeError::Malformed)?;
        if to != me {
            return Err(ExchangeError::WrongRecipient(to.fingerprint()));
        }
        let from = PublicIdentity::parse(&envelope.from).map_err(|_| ExchangeError::Malformed)?;
        let sender = known(&from).ok_or_else(|| ExchangeError::UnknownSender(from.fingerprint()))?;
        let signature: [u8; 64] =
            BASE64.decode(&envelope.signature).ok().and_then(|s| s.try_into().ok()).ok_or(ExchangeError::Tampered)?;
        VerifyingKey::from_bytes(&from.sign)
            .map_err(|_| ExchangeError::Tampered)?
            .verify(&envelope.signed_bytes(), &Signature::from_bytes(&signature))
            .map_err(|_| ExchangeError::Tampered)?;
        let nonce: [u8; 12] =
            BASE64.decode(&envelope.nonce).ok().and_then(|n| n.try_into().ok()).ok_or(ExchangeError::Tampered)?;
        let sealed = BASE64.decode(&envelope.body).map_err(|_| ExchangeError::Tampered)?;
        let body = self
            .cipher(&from, &from, &me)
            .decrypt(&Nonce::from(nonce), Payload { msg: &sealed, aad: envelope.kind.as_bytes() })
            .map_err(|_| ExchangeError::Tampered)?;
        Ok((sender, envelope.kind, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_opens_only_at_its_recipient_from_a_known_sender_and_unchanged() {
        let (libya, senegal, mali) =
            (ExchangeKeys::generate().unwrap(), ExchangeKeys::generate().unwrap(), ExchangeKeys::generate().unwrap());
        let file = libya.seal(&senegal.public(), "handover", b"{\"case\":1}").unwrap();
        assert!(!String::from_utf8_lossy(&file).contains("case"), "the body is sealed");
        let libya_public = libya.public();
        let known = |p: &PublicIdentity| (*p == libya_public).then(|| "Libya".to_string());
        assert_eq!(senegal.open(&file, known).unwrap(), ("Libya".into(), "handover".into(), b"{\"case\":1}".to_vec()));
        assert!(matches!(mali.open(&file, known), Err(ExchangeError::WrongRecipient(_))));
        assert!(matches!(senegal.open(&file, |_| None), Err(ExchangeError::UnknownSender(_))));
        let mut changed: serde_json::Value = serde_json::from_slice(&file).unwrap();
        changed["kind"] = "receipt".into();
        assert_eq!(senegal.open(&serde_json::to_vec(&changed).unwrap(), known), Err(ExchangeError::Tampered));
        let mut body: serde_json::Value = serde_json::from_slice(&file).unwrap();
        let b = body["body"].as_str().unwrap().to_string();
        // A character in the middle, made different: the last one may only carry padding bits.
        let middle = b.len() / 2;
        let other = if &b[middle..=middle] == "A" { "B" } else { "A" };
        body["body"] = format!("{}{other}{}", &b[..middle], &b[middle + 1..]).into();
        assert_eq!(senegal.open(&serde_json::to_vec(&body).unwrap(), known), Err(ExchangeError::Tampered));
        assert_eq!(senegal.open(b"not json", known), Err(ExchangeError::Malformed));
    }

    #[test]
    fn a_public_key_reads_back_and_its_fingerprint_reads_out() {
        let keys = ExchangeKeys::generate().unwrap();
        let public = keys.public();
        assert_eq!(PublicIdentity::parse(&public.to_text()).unwrap(), public);
        assert_eq!(public.fingerprint().len(), 24);
        assert!(PublicIdentity::parse("hwx1:abc").is_err());
        let reread = ExchangeKeys::parse(&keys.to_text()).unwrap();
        assert_eq!(reread.public(), public);
    }
}
