//! Sealing identifying and sensitive values at rest (issue 17 §3): names, contacts, addresses,
//! free text, the records of the sensitive sections and documents are written to the database
//! (and to a documents directory) sealed with AES-256-GCM, so a copy of the database file or a
//! backup shows none of them. Search terms are keyed hashes: a name can be looked up, not read.
//!
//! The keys live outside the database, in a key file (`homeward admin rotate-key` adds a key and
//! seals everything again under it; older keys stay in the file to read older backups). A
//! process loads its keys once, at start, with [`install`]: every row conversion needs them, and
//! threading them through each of the store's queries would bury what the queries say (as
//! rustls installs its crypto provider once per process).
//!
//! What stays clear, and why: ids, case numbers, offices, states, codes (sex, country, record
//! kinds, answers of the RSS), dates and numbers (scores, amounts): the lists, filters, indicators
//! and analyses compute on them in SQL, and none names or describes a person on its own.
//!
//! A sealed text is `hw1:<key id>:<base64 of nonce, ciphertext and tag>`; sealed bytes begin with
//! `HWS1`, the key id's length and the id. The column's name is the associated data, so a value
//! moved to another column does not open.

use std::sync::{Arc, RwLock};

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as BASE64;
use hmac::Mac;

/// What a sealed text begins with.
const TEXT_PREFIX: &str = "hw1:";
/// What sealed bytes begin with.
const BYTES_MAGIC: &[u8] = b"HWS1";
const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;

/// Why a value cannot be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CipherError {
    #[error("no data key is loaded in this process")]
    NoKeys,
    #[error("a value of {column} is sealed under key `{key}`, which the key file does not hold")]
    UnknownKey { column: String, key: String },
    #[error("a value of {column} does not open: it was changed, or sealed for another column")]
    Tampered { column: String },
    #[error("no randomness for a nonce or a key: {0}")]
    Randomness(String),
}

/// The data keys of an installation: the sealing keys by id (the last one seals; all open), and
/// the key of the search terms' hashes.
#[derive(Clone)]
pub struct KeyRing {
    keys: Vec<(String, [u8; KEY_BYTES])>,
    search: [u8; KEY_BYTES],
    /// The ciphers of `keys` and the keyed hash of `search`, made once: every value read or
    /// written and every search term uses them, and making them again each time is work wasted
    /// on the hot path.
    ciphers: Vec<Aes256Gcm>,
    search_mac: hmac::Hmac<sha2::Sha256>,
}

impl PartialEq for KeyRing {
    fn eq(&self, other: &KeyRing) -> bool {
        self.keys == other.keys && self.search == other.search
    }
}

impl Eq for KeyRing {}

impl std::fmt::Debug for KeyRing {
    /// The ids only: never a key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("KeyRing").field("keys", &ids).finish_non_exhaustive()
    }
}

fn random_key() -> Result<[u8; KEY_BYTES], CipherError> {
    let mut key = [0u8; KEY_BYTES];
    getrandom::fill(&mut key).map_err(|e| CipherError::Randomness(e.to_string()))?;
    Ok(key)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

impl KeyRing {
    /// A new ring: one sealing key (`d1`) and a search key, random.
    pub fn generate() -> Result<KeyRing, CipherError> {
        Ok(KeyRing::of(vec![("d1".into(), random_key()?)], random_key()?))
    }

    /// The same keys and a new random one that seals from now on, and a new search key (the
    /// terms are hashed again): a leaked key then opens only what was sealed before.
    pub fn rotated(&self) -> Result<KeyRing, CipherError> {
        let mut keys = self.keys.clone();
        let id = (keys.len() + 1..).map(|n| format!("d{n}")).find(|id| keys.iter().all(|(k, _)| k != id));
        keys.push((id.unwrap_or_default(), random_key()?));
        Ok(KeyRing::of(keys, random_key()?))
    }

    /// The id of the key that seals.
    pub fn current(&self) -> &str {
        &self.keys.last().expect("a ring has a key").0
    }

    /// Reads a key file: `ID HEX` per sealing key, oldest first, and `search HEX`; `#` comments.
    pub fn parse(text: &str) -> Result<KeyRing, String> {
        let mut keys = Vec::new();
        let mut search = None;
        for (n, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (id, value) = line.split_once(' ').ok_or_else(|| format!("line {n}: expected `ID HEX`"))?;
            let key: [u8; KEY_BYTES] = from_hex(value.trim())
                .and_then(|k| k.try_into().ok())
                .ok_or_else(|| format!("line {n}: the key is not {KEY_BYTES} bytes of hexadecimal"))?;
            if id == "search" {
                search = Some(key);
            } else if id.is_empty() || id.contains(':') || keys.iter().any(|(k, _)| k == id) {
                return Err(format!("line {n}: the key id `{id}` is empty, has a colon or is used twice"));
            } else {
                keys.push((id.to_string(), key));
            }
        }
        match (keys.is_empty(), search) {
            (false, Some(search)) => Ok(KeyRing::of(keys, search)),
            (true, _) => Err("no data key in it".into()),
            (false, None) => Err("no `search` key in it".into()),
        }
    }

    /// The key file's text.
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "# Homeward's data keys: they open the names, notes and documents of the database and its backups.\n\
             # Keep this file apart from them, and keep every key: the last one seals, all of them open.\n",
        );
        for (id, key) in &self.keys {
            out.push_str(&format!("{id} {}\n", hex(key)));
        }
        out.push_str(&format!("search {}\n", hex(&self.search)));
        out
    }

    /// A ring of `keys` (oldest first) and `search`, with their ciphers made.
    fn of(keys: Vec<(String, [u8; KEY_BYTES])>, search: [u8; KEY_BYTES]) -> KeyRing {
        let ciphers = keys.iter().map(|(_, k)| Aes256Gcm::new_from_slice(k).expect("a 32-byte key")).collect();
        let search_mac = <hmac::Hmac<sha2::Sha256>>::new_from_slice(&search).expect("HMAC takes any key length");
        KeyRing { keys, search, ciphers, search_mac }
    }

    fn key(&self, id: &str) -> Option<&Aes256Gcm> {
        let i = self.keys.iter().position(|(k, _)| k == id)?;
        self.ciphers.get(i)
    }

    fn seal_raw(&self, column: &str, plain: &[u8]) -> Result<(String, Vec<u8>), CipherError> {
        let id = self.current().to_string();
        let cipher = self.key(&id).ok_or(CipherError::NoKeys)?;
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|e| CipherError::Randomness(e.to_string()))?;
        let sealed = cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: plain, aad: column.as_bytes() })
            .map_err(|_| CipherError::Tampered { column: column.into() })?;
        Ok((id, [&nonce[..], &sealed].concat()))
    }

    fn open_raw(&self, column: &str, id: &str, sealed: &[u8]) -> Result<Vec<u8>, CipherError> {
        let cipher = self.key(id).ok_or_else(|| CipherError::UnknownKey { column: column.into(), key: id.into() })?;
        let tampered = || CipherError::Tampered { column: column.into() };
        if sealed.len() < NONCE_BYTES {
            return Err(tampered());
        }
        let (nonce, body) = sealed.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| tampered())?;
        cipher.decrypt(&Nonce::from(nonce), Payload { msg: body, aad: column.as_bytes() }).map_err(|_| tampered())
    }

    /// `plain` sealed for `column`.
    pub fn seal(&self, column: &str, plain: &str) -> Result<String, CipherError> {
        let (id, sealed) = self.seal_raw(column, plain.as_bytes())?;
        Ok(format!("{TEXT_PREFIX}{id}:{}", BASE64.encode(sealed)))
    }

    /// A value of `column` opened. A value that is not sealed (written before sealing began,
    /// and not yet sealed by `homeward admin rotate-key`) reads as it is.
    pub fn open(&self, column: &str, stored: &str) -> Result<String, CipherError> {
        let Some(rest) = stored.strip_prefix(TEXT_PREFIX) else { return Ok(stored.to_string()) };
        let tampered = || CipherError::Tampered { column: column.into() };
        let (id, body) = rest.split_once(':').ok_or_else(tampered)?;
        let sealed = BASE64.decode(body).map_err(|_| tampered())?;
        String::from_utf8(self.open_raw(column, id, &sealed)?).map_err(|_| tampered())
    }

    /// `plain` bytes sealed for `column`.
    pub fn seal_bytes(&self, column: &str, plain: &[u8]) -> Result<Vec<u8>, CipherError> {
        let (id, sealed) = self.seal_raw(column, plain)?;
        let id_len = u8::try_from(id.len()).map_err(|_| CipherError::NoKeys)?;
        Ok([BYTES_MAGIC, &[id_len], id.as_bytes(), &sealed].concat())
    }

    /// Bytes of `column` opened (bytes that are not sealed read as they are).
    pub fn open_bytes(&self, column: &str, stored: &[u8]) -> Result<Vec<u8>, CipherError> {
        let Some(rest) = stored.strip_prefix(BYTES_MAGIC) else { return Ok(stored.to_vec()) };
        let tampered = || CipherError::Tampered { column: column.into() };
        let (&id_len, rest) = rest.split_first().ok_or_else(tampered)?;
        let id_len = usize::from(id_len);
        if rest.len() < id_len {
            return Err(tampered());
        }
        let (id, sealed) = rest.split_at(id_len);
        let id = std::str::from_utf8(id).map_err(|_| tampered())?;
        self.open_raw(column, id, sealed)
    }

    /// The keyed hash a search term is kept as: the first 64 bits of its HMAC, an integer the
    /// term index compares cheaply (migration 0023). Equal terms give equal hashes, and no hash
    /// gives its term back without the key. Two of a database's tens of millions of terms
    /// sharing one is about as likely as one in ten thousand databases, and costs at most a
    /// search that also lists a case it did not ask for.
    pub fn term_hash(&self, term: &str) -> i64 {
        let mut mac = self.search_mac.clone();
        mac.update(term.as_bytes());
        let bytes = mac.finalize().into_bytes();
        i64::from_be_bytes(bytes[..8].try_into().expect("an HMAC-SHA256 is 32 bytes"))
    }

    /// Whether `stored` is sealed under the key that seals now (a rotation leaves none that is not).
    pub fn is_current(&self, stored: &str) -> bool {
        stored.strip_prefix(TEXT_PREFIX).and_then(|r| r.split_once(':')).is_some_and(|(id, _)| id == self.current())
    }

    /// Whether `stored` bytes are sealed under the key that seals now.
    pub fn bytes_are_current(&self, stored: &[u8]) -> bool {
        let id = self.current().as_bytes();
        stored
            .strip_prefix(BYTES_MAGIC)
            .and_then(|r| r.split_first())
            .is_some_and(|(&n, rest)| usize::from(n) == id.len() && rest.starts_with(id))
    }
}

static RING: RwLock<Option<Arc<KeyRing>>> = RwLock::new(None);

/// Makes `ring` the keys of this process (at start, and after a rotation).
pub fn install(ring: KeyRing) {
    *RING.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(ring));
}

/// The keys of this process. Built with the `ephemeral-keys` feature (the test suites), a process
/// that loaded none gets random ones, which live as long as it does.
pub fn ring() -> Result<Arc<KeyRing>, CipherError> {
    if let Some(ring) = RING.read().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref() {
        return Ok(ring.clone());
    }
    if cfg!(feature = "ephemeral-keys") {
        let mut slot = RING.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let ring = slot.get_or_insert_with(|| Arc::new(KeyRing::generate().expect("randomness for test keys")));
        return Ok(ring.clone());
    }
    Err(CipherError::NoKeys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_for_its_column() {
        let ring = KeyRing::generate().unwrap();
        let sealed = ring.seal("cases.given_name", "Aminata").unwrap();
        assert!(sealed.starts_with("hw1:d1:") && !sealed.contains("Aminata"), "{sealed}");
        assert_ne!(sealed, ring.seal("cases.given_name", "Aminata").unwrap(), "a fresh nonce each time");
        assert_eq!(ring.open("cases.given_name", &sealed).unwrap(), "Aminata");
        assert!(matches!(ring.open("cases.family_name", &sealed), Err(CipherError::Tampered { .. })));
        let other = KeyRing::generate().unwrap();
        assert!(matches!(other.open("cases.given_name", &sealed), Err(CipherError::Tampered { .. })));
        let mut changed = sealed.clone();
        changed.replace_range(sealed.len() - 3.., "AAA");
        assert!(ring.open("cases.given_name", &changed).is_err());
        assert_eq!(ring.open("cases.given_name", "written before sealing").unwrap(), "written before sealing");
    }

    #[test]
    fn after_a_rotation_the_new_key_seals_and_every_key_opens() {
        let ring = KeyRing::generate().unwrap();
        let old = ring.seal("c", "x").unwrap();
        let old_bytes = ring.seal_bytes("d", b"%PDF").unwrap();
        let rotated = ring.rotated().unwrap();
        assert_eq!(rotated.current(), "d2");
        assert_eq!(rotated.open("c", &old).unwrap(), "x");
        assert_eq!(rotated.open_bytes("d", &old_bytes).unwrap(), b"%PDF");
        assert!(!rotated.is_current(&old) && !rotated.bytes_are_current(&old_bytes));
        assert!(rotated.is_current(&rotated.seal("c", "x").unwrap()));
        assert!(rotated.bytes_are_current(&rotated.seal_bytes("d", b"x").unwrap()));
        assert_ne!(ring.term_hash("awa"), rotated.term_hash("awa"), "the search key changes too");
        let reread = KeyRing::parse(&rotated.to_text()).unwrap();
        assert_eq!(reread, rotated);
        assert!(matches!(ring.open("c", &rotated.seal("c", "y").unwrap()), Err(CipherError::UnknownKey { .. })));
    }

    #[test]
    fn a_key_file_with_a_mistake_is_refused_naming_its_line() {
        assert_eq!(KeyRing::parse("d1 abc\n").unwrap_err(), "line 1: the key is not 32 bytes of hexadecimal");
        let key = "00".repeat(32);
        assert_eq!(KeyRing::parse(&format!("d1 {key}\n")).unwrap_err(), "no `search` key in it");
        assert!(KeyRing::parse(&format!("d1 {key}\nd1 {key}\nsearch {key}")).unwrap_err().starts_with("line 2"));
    }

    #[test]
    fn search_hashes_are_equal_for_equal_terms_and_reveal_nothing() {
        let ring = KeyRing::generate().unwrap();
        assert_eq!(ring.term_hash("aminata"), ring.term_hash("aminata"));
        assert_ne!(ring.term_hash("aminata"), ring.term_hash("aminat"));
        let other = KeyRing::generate().unwrap();
        assert_ne!(ring.term_hash("aminata"), other.term_hash("aminata"), "keyed: another key, another hash");
        assert!(format!("{ring:?}").contains("d1") && !format!("{ring:?}").contains(&hex(&ring.search)));
    }
}
