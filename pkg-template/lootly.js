// lootly.*: the wasm exports under their public names, and verifyRequest, which reads a Fetch
// API Request for the core (types and docs in index.d.ts).
import { lootlyVerifyIncoming } from "./loyalty_connector.js";

/**
 * Whether a request Lootly sent the shop is genuine: a GET's query string, or a POST's body
 * (an `api_endpoint` call or the "redeem reward" webhook), against each of `secrets`; then,
 * optionally, `t` within `maxAgeSeconds` of `now`, and `seen(hmac)` false (a replay guard).
 */
export async function verifyRequest(request, secrets, options) {
  const method = String(request?.method ?? "").toUpperCase();
  const verdict =
    method === "GET" || method === "HEAD"
      ? lootlyVerifyIncoming("query", new URL(request.url).search.slice(1), secrets, options)
      : lootlyVerifyIncoming("body", new Uint8Array(await request.clone().arrayBuffer()), secrets, options);
  if (!verdict.valid) return false;
  return !(options?.seen && (await options.seen(verdict.hmac)));
}

export {
  lootlyShopId as shopId,
  lootlyCustomerSignature as customerSignature,
  lootlySign as sign,
  lootlyVerify as verify,
  lootlyRequest as request,
  lootlyOrderCompleted as orderCompleted,
  lootlyOrderPaid as orderPaid,
  lootlyOrderFulfilled as orderFulfilled,
  lootlyOrderProcessing as orderProcessing,
  lootlyOrderCancelled as orderCancelled,
  lootlyRefund as refund,
  lootlyCustomer as customer,
  lootlyPointsAdd as pointsAdd,
  lootlyPointsSubtract as pointsSubtract,
  lootlyKeyVerify as keyVerify,
  lootlyAppInstalled as appInstalled,
  lootlyValidateOrder as validateOrder,
  lootlyReadResponse as readResponse,
  lootlyWidgetProps as widgetProps,
  lootlyWidgetHtml as widgetHtml,
  lootlyScriptTag as scriptTag,
  lootlyMountWidget as mountWidget,
  lootlyCouponCsv as couponCsv,
  lootlyPointBalance as pointBalance,
  lootlyPointBalances as pointBalances,
  lootlyReadPointBalance as readPointBalance,
  lootlyReadPointBalances as readPointBalances,
  lootlyOrderClosed as orderClosed,
  lootlyRewardsList as rewardsList,
  lootlyCustomerInfo as customerInfo,
  lootlyRedeemReward as redeemReward,
  lootlyReadRewardsList as readRewardsList,
  lootlyReadCustomerInfo as readCustomerInfo,
  lootlyReadRedeemedReward as readRedeemedReward,
} from "./loyalty_connector.js";
