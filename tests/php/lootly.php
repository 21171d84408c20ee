<?php
// Lootly's signing code, exactly as its guide and its server run it. Shared by make_vectors.php
// and oracle.php so that both use one definition. Coercive typing on purpose (no strict_types):
// the server's code is not strict either, which matters when json_encode returns false.

/**
 * The guide's client (docs/lootly-custom-api-guide.md): add the key, ksort, json_encode, HMAC,
 * append the hmac, json_encode again. $params is a decoded PHP array.
 * Returns [canonical, hmac, body]; canonical and body are false when json_encode fails.
 */
function lootly_guide_sign(array $params, string $api_key, string $api_secret): array
{
    $params['key'] = $api_key;
    ksort($params);
    $canonical = json_encode($params);
    $hmac = base64_encode(hash_hmac('sha256', $canonical, $api_secret, true));
    $params['hmac'] = $hmac;
    $body = json_encode($params);
    return [$canonical, $hmac, $body];
}

/**
 * The server's check of a received body: json_decode($body, true), drop hmac and _url, ksort,
 * json_encode, HMAC, hash_equals. Anything that throws in PHP (a missing or non-string hmac
 * reaching hash_equals, a body that is not an array) is a refusal.
 */
function lootly_server_accepts(string $body, string $api_secret): bool
{
    try {
        $params = json_decode($body, true);
        $received = $params['hmac'] ?? null;
        unset($params['hmac'], $params['_url']);
        ksort($params);
        $computed = base64_encode(hash_hmac('sha256', json_encode($params), $api_secret, true));
        return hash_equals($computed, $received);
    } catch (\Throwable $e) {
        return false;
    }
}
