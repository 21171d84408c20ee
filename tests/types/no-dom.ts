// Compiled without the DOM library: the declarations need none of its types.
import { lootly, php, LoyaltyError } from "loyalty-connector";

class TextEncoderLike {
  encode(s: string): Uint8Array {
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  }
}

const creds: lootly.Options = { apiKey: "k", apiSecret: "s" };
const body: string = lootly.sign({ id: "1" }, creds).body;
const valid: boolean = lootly.verify(new TextEncoderLike().encode(body), "s");
const text: string = php.jsonEncode({ a: [1, "x", null] });
const failed: boolean = new LoyaltyError("invalid_json", "m") instanceof Error;
lootly.mountWidget("#lootly", { apiKey: "k", shopDomain: "d", shopId: "i" });
// @ts-expect-error without the DOM library there is no element type to pass
lootly.mountWidget({}, { apiKey: "k", shopDomain: "d", shopId: "i" });
export { valid, text, failed };
