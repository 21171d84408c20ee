// A deterministic generator of a large purchases file (the batch benchmark's input), as a
// `Read`: rows are made as they are read, so a million rows take no memory. Shared by
// examples/gen_purchases.rs (writes a file) and tests/batch_memory.rs (reads it directly).

/// Generates `rows` purchase lines (plus the header): invoices of 1 to 5 consecutive lines,
/// 50,000 customers, 8 branches, prices with two decimals, some quoted product names.
pub struct PurchasesGen {
    rows: u64,
    done: u64,
    state: u64,
    invoice: u64,
    left_in_invoice: u64,
    customer: u64,
    branch: usize,
    buf: Vec<u8>,
    pos: usize,
}

pub const GEN_HEADER: &str =
    "invoice_number,customer_email,datetime,branch,sku,product_name,quantity,unit_price,category_code\r\n";

const BRANCHES: [&str; 8] =
    ["Shopping Unicenter", "Palermo", "Belgrano", "Recoleta", "Caballito", "Nuñez", "Centro, local 2", "Online"];

impl PurchasesGen {
    pub fn new(rows: u64, seed: u64) -> Self {
        PurchasesGen {
            rows,
            done: 0,
            state: seed | 1,
            invoice: 100_000,
            left_in_invoice: 0,
            customer: 0,
            branch: 0,
            buf: GEN_HEADER.as_bytes().to_vec(),
            pos: 0,
        }
    }

    fn next_u64(&mut self) -> u64 {
        // xorshift64*
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn row(&mut self) {
        use std::io::Write;
        if self.left_in_invoice == 0 {
            self.invoice += 1;
            self.left_in_invoice = 1 + self.next_u64() % 5;
            self.customer = self.next_u64() % 50_000;
            self.branch = (self.next_u64() % BRANCHES.len() as u64) as usize;
        }
        self.left_in_invoice -= 1;
        let sku = self.next_u64() % 2_000;
        let qty = 1 + self.next_u64() % 5;
        let cents = 50 + self.next_u64() % 99_950;
        let name = if sku % 10 == 0 { format!("\"Product {sku}, \"\"special\"\"\"") } else { format!("Product {sku}") };
        let branch = BRANCHES[self.branch];
        let branch = if branch.contains(',') { format!("\"{branch}\"") } else { branch.to_string() };
        let _ = write!(
            self.buf,
            "F{},customer{}@example.com,2019-03-11 {:02}:{:02}:00,{},SKU-{sku},{name},{qty},{}.{:02},CAT{}\r\n",
            self.invoice,
            self.customer,
            8 + self.invoice % 12,
            self.invoice % 60,
            branch,
            cents / 100,
            cents % 100,
            sku % 40
        );
        self.done += 1;
    }
}

impl std::io::Read for PurchasesGen {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
            while self.done < self.rows && self.buf.len() < 64 * 1024 {
                self.row();
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
