// php.*: the wasm exports under their public names (types and docs in index.d.ts).
export {
  phpJsonEncode as jsonEncode,
  phpView as phpView,
  phpJsonDecode as jsonDecode,
  phpKsort as ksort,
  phpHttpBuildQuery as httpBuildQuery,
  phpUrlencode as urlencode,
  phpRawurlencode as rawurlencode,
} from "./loyalty_connector.js";
