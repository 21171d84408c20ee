// Type tests of loyalty-connector/widget: mountWidget and widgetHtml, the `lootly` namespace that
// holds them, props as a plain object only, and its LoyaltyError.
import { LoyaltyError, lootly, mountWidget, widgetHtml, type WidgetProps } from "loyalty-connector/widget";
import { lootly as core } from "loyalty-connector";

const props: WidgetProps = core.widgetProps({ apiKey: "k", apiSecret: "s", shopDomain: "shop.example", customerId: "42" });
const div: HTMLDivElement = mountWidget(document.body, props);
const again: HTMLDivElement = lootly.mountWidget("#lootly", { apiKey: "k", shopDomain: "d", shopId: "i", customerId: null });
const html: string = widgetHtml(props);
// @ts-expect-error the script tag is the root entry's (servers); mountWidget adds the script
lootly.scriptTag;
// @ts-expect-error the widget entry takes props as an object, not JSON text
widgetHtml("{}");
// @ts-expect-error shopId is required
widgetHtml({ apiKey: "k", shopDomain: "d" });
// @ts-expect-error the widget entry has no signing: the secret stays on the server
lootly.sign;
const code: string | undefined = new LoyaltyError("missing_field", "m", "apiKey").field;
export { div, again, html, code };
