//! Keeps customers' personal data out of what the Worker stores and shows about a delivery
//! (`GET /v1/events/{id}`, the dead letters, the logs): a program's answer may quote the customer's
//! email, so every reason text goes through [`without_emails`] before it is recorded.

/// `text` with every email address (also URL-encoded, `ana%40example.com`) replaced by `[email]`.
pub fn without_emails(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0; // chars[..copied] are in `out`
    while i < chars.len() {
        let at_len = if chars[i] == '@' {
            1
        } else if chars[i] == '%' && chars.get(i + 1) == Some(&'4') && chars.get(i + 2) == Some(&'0') {
            3
        } else {
            0
        };
        if at_len == 0 {
            i += 1;
            continue;
        }
        let mut start = i;
        while start > copied && is_local(chars[start - 1]) {
            start -= 1;
        }
        let mut end = i + at_len;
        while end < chars.len() && is_domain(chars[end]) {
            end += 1;
        }
        // A domain does not end with a dot ("write to ana@example.com.").
        while end > i + at_len && chars[end - 1] == '.' {
            end -= 1;
        }
        let domain: String = chars[i + at_len..end].iter().collect();
        if start < i && domain.contains('.') {
            out.extend(&chars[copied..start]);
            out.push_str("[email]");
            copied = end;
            i = end;
        } else {
            i += at_len;
        }
    }
    out.extend(&chars[copied..]);
    out
}

fn is_local(c: char) -> bool {
    c.is_alphanumeric() || "._%+-'".contains(c)
}

fn is_domain(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_every_email() {
        assert_eq!(without_emails("rewarded josé.pérez@example.com.ar with 5"), "rewarded [email] with 5");
        assert_eq!(without_emails("User ana+x@mail.example.com not found."), "User [email] not found.");
        assert_eq!(without_emails("a@b.co,c@d.io"), "[email],[email]");
        assert_eq!(without_emails("GET /x?email=ana%40example.com&y=1"), "GET /x?email=[email]&y=1");
        assert_eq!(without_emails("(\"ana@example.com\")"), "(\"[email]\")");
    }

    #[test]
    fn any_text_is_safe_and_redacting_twice_changes_nothing() {
        // Generated texts from the characters that matter, a seeded xorshift choosing them.
        let pieces = ["a", "Z", "9", "@", "%40", "%4", ".", "-", "_", "+", " ", ",", "é", "🧉", "\u{301}", "[", "]", "%"];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(state % 24) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            let once = without_emails(&text);
            assert_eq!(without_emails(&once), once, "{text:?}");
            state = state.wrapping_add(1);
        }
    }

    #[test]
    fn leaves_other_text_alone() {
        for text in ["HTTP 503 on /apiv2/14/x", "@ the end", "price @ 5", "user@localhost", "50%", "%4", "a@", "ñandú 🧉"] {
            assert_eq!(without_emails(text), text);
        }
    }
}
