//! A streaming RFC 4180 reader: bytes go in (in chunks of any size, split anywhere), records
//! come out. Memory is bounded by the longest record, never by the file.
//!
//! - Fields are separated by a one-byte delimiter (`,` unless configured: `;` and tab are common
//!   in spreadsheet exports).
//! - A field that starts with `"` is quoted: it may hold the delimiter, line breaks (kept as they
//!   are in the file) and `""` for one quote. A quote inside an unquoted field is kept literally.
//!   Anything but a delimiter or a line break right after a closing quote makes the record an
//!   error (`"a"b` is ambiguous; guessing would hide a broken export).
//! - Records end at CRLF, LF or a lone CR. A UTF-8 byte-order mark at the very start is dropped.
//!   Blank lines are skipped.
//! - Each record carries the physical line it starts on (1-based, counting every line break,
//!   including those inside quoted fields), so errors point at the line a person opens.
//! - A record longer than [`CsvOptions::max_record_bytes`] or with more than
//!   [`CsvOptions::max_fields`] fields, a record that is not UTF-8, and a quoted field still
//!   open at the end of the input are reported as errors for that record only; reading goes on.

use std::collections::VecDeque;
use std::io::BufRead;

/// How to split records and how large one record may be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// The field separator; must not be `"`, CR or LF (those are replaced by `,`).
    pub delimiter: u8,
    /// The largest record accepted, in bytes of field data.
    pub max_record_bytes: usize,
    /// The most fields one record may have.
    pub max_fields: usize,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions { delimiter: b',', max_record_bytes: 1 << 20, max_fields: 1024 }
    }
}

/// One record: its fields and the lines it spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The physical line the record starts on (1-based).
    pub line: u64,
    text: String,
    ends: Vec<usize>,
}

impl Record {
    /// The number of fields.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i`, or `None` past the last field.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { *self.ends.get(i - 1)? };
        self.text.get(start..end)
    }

    /// All fields in order.
    pub fn fields(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

/// A record that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvError {
    /// The physical line the record starts on (1-based).
    pub line: u64,
    pub reason: String,
}

/// What the reader yields, in file order.
pub type CsvItem = Result<Record, CsvError>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// At the start of a field (nothing of it read yet).
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote seen inside a quoted field: either the closing quote or the first of `""`.
    QuoteInQuoted,
    /// After a closing quote: only a delimiter or a line break may follow.
    AfterQuoted,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The push parser: [`CsvParser::feed`] bytes, [`CsvParser::finish`] at the end of the input,
/// and take the items with [`CsvParser::next_item`]. Used directly by callers that receive the
/// file in chunks (JavaScript streams); [`CsvReader`] drives it from a `BufRead`.
#[derive(Debug)]
pub struct CsvParser {
    opts: CsvOptions,
    state: State,
    /// Bytes of the current record's fields, concatenated.
    buf: Vec<u8>,
    ends: Vec<usize>,
    /// The record has content (so it is not a blank line).
    started: bool,
    record_line: u64,
    line: u64,
    pending_cr: bool,
    /// The first bytes of the input, held until we know whether they are a BOM.
    head: Option<Vec<u8>>,
    /// The first error met in the current record (the record is reported, not yielded).
    error: Option<String>,
    out: VecDeque<CsvItem>,
    finished: bool,
}

impl CsvParser {
    pub fn new(mut opts: CsvOptions) -> Self {
        if matches!(opts.delimiter, b'"' | b'\r' | b'\n') {
            opts.delimiter = b',';
        }
        CsvParser {
            opts,
            state: State::FieldStart,
            buf: Vec::new(),
            ends: Vec::new(),
            started: false,
            record_line: 1,
            line: 1,
            pending_cr: false,
            head: Some(Vec::with_capacity(3)),
            error: None,
            out: VecDeque::new(),
            finished: false,
        }
    }

    /// Reads a chunk. Complete records become available from [`CsvParser::next_item`].
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.finished {
            return;
        }
        let mut chunk = chunk;
        if let Some(head) = &mut self.head {
            while head.len() < BOM.len() {
                let Some((&b, rest)) = chunk.split_first() else { return };
                head.push(b);
                chunk = rest;
            }
            let head = self.head.take().unwrap_or_default();
            if head != BOM {
                self.bytes(&head);
            }
        }
        self.bytes(chunk);
    }

    /// Marks the end of the input: the last record (without a final line break) is completed.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        if let Some(head) = self.head.take() {
            if head != BOM {
                self.bytes(&head);
            }
        }
        self.finished = true;
        match self.state {
            State::Quoted => {
                let line = self.record_line;
                self.set_error(format!("quoted field opened on line {line} is never closed"));
                self.end_record();
            }
            _ if self.started || !self.ends.is_empty() || !self.buf.is_empty() => self.end_record(),
            _ => {}
        }
    }

    /// The next complete record or error, in file order.
    pub fn next_item(&mut self) -> Option<CsvItem> {
        self.out.pop_front()
    }

    /// The physical line being read (1-based).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Records read and not yet taken.
    pub fn pending(&self) -> usize {
        self.out.len()
    }

    fn set_error(&mut self, reason: String) {
        if self.error.is_none() {
            self.error = Some(reason);
        }
    }

    fn push_byte(&mut self, b: u8) {
        if self.buf.len() < self.opts.max_record_bytes {
            self.buf.push(b);
        } else if self.error.is_none() {
            let max = self.opts.max_record_bytes;
            self.set_error(format!("record longer than {max} bytes"));
        }
    }

    fn end_field(&mut self) {
        if self.ends.len() < self.opts.max_fields {
            self.ends.push(self.buf.len());
        } else {
            let max = self.opts.max_fields;
            self.set_error(format!("record with more than {max} fields"));
        }
    }

    fn end_record(&mut self) {
        self.end_field();
        let line = self.record_line;
        let blank = !self.started && self.error.is_none() && self.buf.is_empty() && self.ends.len() == 1;
        let buf = std::mem::take(&mut self.buf);
        let ends = std::mem::take(&mut self.ends);
        if let Some(reason) = self.error.take() {
            self.out.push_back(Err(CsvError { line, reason }));
        } else if !blank {
            match String::from_utf8(buf) {
                Ok(text) => self.out.push_back(Ok(Record { line, text, ends })),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    self.out.push_back(Err(CsvError {
                        line,
                        reason: format!("not UTF-8 (invalid byte at offset {at} of the record)"),
                    }))
                }
            }
        }
        self.state = State::FieldStart;
        self.started = false;
        self.record_line = self.line;
    }

    /// Counts a line break and tells whether this byte is the LF of a CRLF already counted.
    fn newline(&mut self, b: u8) -> bool {
        match b {
            b'\r' => {
                self.line += 1;
                self.pending_cr = true;
                false
            }
            b'\n' if self.pending_cr => {
                self.pending_cr = false;
                true
            }
            b'\n' => {
                self.line += 1;
                false
            }
            _ => {
                self.pending_cr = false;
                false
            }
        }
    }

    fn bytes(&mut self, chunk: &[u8]) {
        let delim = self.opts.delimiter;
        let mut at = 0;
        while let Some(&b) = chunk.get(at) {
            at += 1;
            if self.state == State::Unquoted && self.error.is_some() {
                // The record already failed (too long, say 1 GiB of NUL bytes): nothing of this
                // field is kept, so jump to its end instead of reading each byte's meaning.
                let rest = chunk.get(at - 1..).unwrap_or_default();
                match rest.iter().position(|&c| c == b'\r' || c == b'\n' || c == delim) {
                    Some(0) => {}
                    Some(n) => {
                        at += n - 1;
                        self.pending_cr = false;
                        continue;
                    }
                    None => {
                        self.pending_cr = false;
                        return;
                    }
                }
            }
            let crlf_tail = self.newline(b);
            if crlf_tail && self.state != State::Quoted {
                // The LF of a CRLF whose CR already ended the record. (Inside a quoted field
                // the CR was data, and so is this LF.)
                continue;
            }
            match self.state {
                State::FieldStart | State::Unquoted => {
                    if b == delim {
                        self.started = true;
                        self.end_field();
                        self.state = State::FieldStart;
                    } else if b == b'\r' || b == b'\n' {
                        self.end_record();
                    } else if b == b'"' && self.state == State::FieldStart {
                        self.started = true;
                        self.state = State::Quoted;
                    } else {
                        self.started = true;
                        self.push_byte(b);
                        self.state = State::Unquoted;
                    }
                }
                State::Quoted => {
                    if b == b'"' {
                        self.state = State::QuoteInQuoted;
                    } else {
                        self.push_byte(b);
                    }
                }
                State::QuoteInQuoted | State::AfterQuoted => {
                    if b == b'"' && self.state == State::QuoteInQuoted {
                        self.push_byte(b'"');
                        self.state = State::Quoted;
                    } else if b == delim {
                        self.end_field();
                        self.state = State::FieldStart;
                    } else if b == b'\r' || b == b'\n' {
                        self.end_record();
                    } else {
                        let line = self.line;
                        self.set_error(format!("unexpected character after a closing quote on line {line}"));
                        self.state = State::AfterQuoted;
                    }
                }
            }
        }
    }
}

/// Pulls records from any `BufRead`, one at a time, reading as it goes.
#[derive(Debug)]
pub struct CsvReader<R> {
    reader: R,
    parser: CsvParser,
    io_error: Option<std::io::Error>,
}

impl<R: BufRead> CsvReader<R> {
    pub fn new(reader: R, opts: CsvOptions) -> Self {
        CsvReader { reader, parser: CsvParser::new(opts), io_error: None }
    }

    /// The I/O error that ended reading early, if one did.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        self.io_error.as_ref()
    }
}

impl<R: BufRead> Iterator for CsvReader<R> {
    type Item = CsvItem;

    fn next(&mut self) -> Option<CsvItem> {
        pull(&mut self.reader, &mut self.parser, &mut self.io_error)
    }
}

/// A push parser that [`pull`] drives from a `BufRead`: [`CsvParser`] and the batch's
/// `FileParser`.
pub(crate) trait PushParser {
    type Item;
    fn feed(&mut self, chunk: &[u8]);
    fn finish(&mut self);
    fn next_item(&mut self) -> Option<Self::Item>;
    fn finished(&self) -> bool;
    /// Ends the input after a read error and queues the item that reports it.
    fn read_failed(&mut self, error: &std::io::Error);
}

impl PushParser for CsvParser {
    type Item = CsvItem;

    fn feed(&mut self, chunk: &[u8]) {
        CsvParser::feed(self, chunk)
    }

    fn finish(&mut self) {
        CsvParser::finish(self)
    }

    fn next_item(&mut self) -> Option<CsvItem> {
        CsvParser::next_item(self)
    }

    fn finished(&self) -> bool {
        self.finished
    }

    fn read_failed(&mut self, _error: &std::io::Error) {
        let line = self.line;
        self.finish();
        self.out.push_back(Err(CsvError { line, reason: "the file could not be read to its end".into() }));
    }
}

/// The pull loop of the readers: the parser's next item, feeding it from `reader` until it has
/// one or is finished. A read error ends the input; it is kept in `io_error`.
pub(crate) fn pull<P: PushParser>(reader: &mut impl BufRead, parser: &mut P, io_error: &mut Option<std::io::Error>) -> Option<P::Item> {
    loop {
        if let Some(item) = parser.next_item() {
            return Some(item);
        }
        if parser.finished() {
            return None;
        }
        match reader.fill_buf() {
            Ok([]) => parser.finish(),
            Ok(chunk) => {
                let n = chunk.len();
                parser.feed(chunk);
                reader.consume(n);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                parser.read_failed(&e);
                *io_error = Some(e);
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A reader that is interrupted once, then fails (a file on a disk that went away).
    pub(crate) struct Broken(pub bool);

    impl std::io::Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            let kind = if std::mem::replace(&mut self.0, true) { std::io::ErrorKind::Other } else { std::io::ErrorKind::Interrupted };
            Err(std::io::Error::new(kind, "disk gone"))
        }
    }

    type Got = Result<(u64, Vec<String>), (u64, String)>;

    fn read(input: &[u8]) -> Vec<Got> {
        let all = CsvReader::new(input, CsvOptions::default())
            .map(|r| r.map(|r| (r.line, r.fields().map(str::to_string).collect())).map_err(|e| (e.line, e.reason)))
            .collect::<Vec<_>>();
        // Any split of the input into chunks gives the same items.
        for size in [1, 2, 3, 7] {
            let mut p = CsvParser::new(CsvOptions::default());
            let mut got = Vec::new();
            for chunk in input.chunks(size) {
                p.feed(chunk);
                while let Some(i) = p.next_item() {
                    got.push(i);
                }
            }
            p.finish();
            while let Some(i) = p.next_item() {
                got.push(i);
            }
            let got: Vec<_> = got
                .into_iter()
                .map(|r| r.map(|r| (r.line, r.fields().map(str::to_string).collect())).map_err(|e| (e.line, e.reason)))
                .collect();
            assert_eq!(got, all, "chunk size {size}");
        }
        all
    }

    fn ok(line: u64, fields: &[&str]) -> Got {
        Ok((line, fields.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn plain_quoted_crlf_bom() {
        let input = b"\xEF\xBB\xBFa,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n1,\r\n";
        assert_eq!(read(input), vec![ok(1, &["a", "b"]), ok(2, &["x,y", "say \"hi\""]), ok(3, &["1", ""])]);
    }

    #[test]
    fn embedded_newlines_keep_line_numbers() {
        let input = b"a,b\n\"line1\nline2\r\nline3\",z\nnext,1";
        assert_eq!(read(input), vec![ok(1, &["a", "b"]), ok(2, &["line1\nline2\r\nline3", "z"]), ok(5, &["next", "1"])]);
    }

    #[test]
    fn blank_lines_lone_cr_and_no_final_newline() {
        assert_eq!(read(b"\n\na\r\rb\r\n\r\nc"), vec![ok(3, &["a"]), ok(5, &["b"]), ok(7, &["c"])]);
        assert_eq!(read(b""), vec![]);
        // Two bytes of a BOM and nothing else: not a BOM, so data (and not UTF-8).
        assert_eq!(read(b"\xEF\xBB")[0].as_ref().unwrap_err().0, 1);
        assert_eq!(read(b"\xEF\xBB\xBF"), vec![]);
        assert_eq!(read(b"\xEF\xBB\xBFx"), vec![ok(1, &["x"])]);
    }

    #[test]
    fn empty_quoted_field_is_a_record() {
        assert_eq!(read(b"\"\"\n"), vec![ok(1, &[""])]);
        assert_eq!(read(b",\n"), vec![ok(1, &["", ""])]);
    }

    #[test]
    fn literal_quote_inside_unquoted_field() {
        assert_eq!(read(b"ab\"c,d\n"), vec![ok(1, &["ab\"c", "d"])]);
    }

    #[test]
    fn an_oversized_record_fails_alone_and_quickly() {
        let mut input = b"a,b\n".to_vec();
        input.extend(std::iter::repeat_n(0u8, 3 << 20));
        input.extend(b",\"x\ny\",z\r\nc,d\n");
        let mut p = CsvParser::new(CsvOptions::default());
        for chunk in input.chunks(64 << 10) {
            p.feed(chunk);
        }
        p.finish();
        let got: Vec<CsvItem> = std::iter::from_fn(|| p.next_item()).collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].as_ref().unwrap().line, 1);
        let e = got[1].as_ref().unwrap_err();
        assert_eq!((e.line, e.reason.as_str()), (2, "record longer than 1048576 bytes"));
        // The quoted field after the NULs still holds its line break: the next record is line 4.
        assert_eq!(got[2].as_ref().unwrap().line, 4);
        assert_eq!(got[2].as_ref().unwrap().fields().collect::<Vec<_>>(), ["c", "d"]);
    }

    #[test]
    fn errors_are_per_record() {
        let got = read(b"a,b\n\"x\"y,z\nc,d\n\"open\nnever closed");
        assert_eq!(got[0], ok(1, &["a", "b"]));
        assert_eq!(got[1].as_ref().unwrap_err().0, 2);
        assert_eq!(got[2], ok(3, &["c", "d"]));
        let (line, reason) = got[3].clone().unwrap_err();
        assert_eq!(line, 4);
        assert!(reason.contains("never closed"), "{reason}");
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn invalid_utf8_is_an_error_row() {
        let got = read(b"ok\n\xff\xfe,x\nok2\n");
        assert_eq!(got[0], ok(1, &["ok"]));
        assert!(got[1].as_ref().unwrap_err().1.contains("UTF-8"));
        assert_eq!(got[2], ok(3, &["ok2"]));
    }

    #[test]
    fn limits() {
        let opts = CsvOptions { max_record_bytes: 4, max_fields: 3, ..CsvOptions::default() };
        let items: Vec<_> = CsvReader::new(&b"abcd\nabcde\na,b,c\na,b,c,d\nok\n"[..], opts).collect();
        assert!(items[0].is_ok());
        assert_eq!(items[1].as_ref().unwrap_err().line, 2);
        assert!(items[2].is_ok());
        assert_eq!(items[3].as_ref().unwrap_err().line, 4);
        assert_eq!(items[4].as_ref().unwrap().get(0), Some("ok"));
    }

    #[test]
    fn semicolon_delimiter() {
        let opts = CsvOptions { delimiter: b';', ..CsvOptions::default() };
        let r: Vec<_> = CsvReader::new(&b"a;\"b;c\";1,5\n"[..], opts).collect();
        assert_eq!(r[0].as_ref().unwrap().fields().collect::<Vec<_>>(), ["a", "b;c", "1,5"]);
    }

    #[test]
    fn a_read_error_ends_the_input_and_is_reported() {
        let input = std::io::BufReader::new(std::io::Read::chain(&b"a,b\nc,d"[..], Broken(false)));
        let mut reader = CsvReader::new(input, CsvOptions::default());
        let got: Vec<Got> = reader
            .by_ref()
            .map(|r| r.map(|r| (r.line, r.fields().map(str::to_string).collect())).map_err(|e| (e.line, e.reason)))
            .collect();
        let expected: Vec<Got> = vec![
            Ok((1, vec!["a".into(), "b".into()])),
            Ok((2, vec!["c".into(), "d".into()])),
            Err((2, "the file could not be read to its end".into())),
        ];
        assert_eq!(got, expected);
        assert_eq!(reader.io_error().map(|e| (e.kind(), e.to_string())), Some((std::io::ErrorKind::Other, "disk gone".into())));
        assert!(reader.next().is_none());
    }
}
