// What a shop's page does with loyalty-connector/widget: mount the Lootly widget from the server's values.
import { lootly } from "loyalty-connector/widget";

lootly.mountWidget("#app", { apiKey: "key", shopDomain: "shop.example", shopId: "0123456789abcdef0123456789abcdef" });
