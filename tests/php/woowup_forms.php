<?php
// The WoowUp API v2 requests of tests/woowup_requests.rs, built the way WoowUp's own PHP client
// builds them (howto/src/WoowUpAPI.php in woowup/docs): PHP arrays with the same values, form
// bodies and query strings by http_build_query, JSON by json_encode with default flags, points by
// PHP float arithmetic. Run by the Rust test with real php-cli; prints one JSON object
// {case: {method, url, body}} that the test compares byte for byte with the Rust builders.
// Usage: php tests/php/woowup_forms.php

$base = 'https://admin.woowup.com/apiv2/';
$app = '13';
$cases = [];

function get_case($endpoint, $query = []) {
    global $base, $app;
    $q = http_build_query($query);
    return ['method' => 'GET', 'url' => $base . $app . '/' . $endpoint . ($q === '' ? '' : '?' . $q), 'body' => null];
}
function form_case($endpoint, $fields) {
    global $base, $app;
    return ['method' => 'POST', 'url' => $base . $app . '/' . $endpoint, 'body' => http_build_query($fields)];
}
function json_case($endpoint, $value) {
    global $base, $app;
    return ['method' => 'POST', 'url' => $base . $app . '/' . $endpoint, 'body' => json_encode($value)];
}

$cases['user_by_email'] = get_case('user_by_email', ['email' => 'john+tag@doe.com']);
$cases['user_by_uid'] = get_case('user_by_uid', ['uid' => 'DNI 24.586.932/á?x=1&y']);
$cases['is_user'] = get_case('is_user', ['service' => 2, 'service_uid' => 'john+tag@doe.com']);
$cases['top_users_by_points'] = get_case('top_users_by_points', ['limit' => 25]);
$cases['top_users_by_points_default'] = get_case('top_users_by_points');
$cases['register_user_classic'] = form_case('register_user_classic', [
    'uid' => 'jose@example.com',
    'pass' => 'p@ss w0rd&=%~',
    'email' => 'jose@example.com',
    'first_name' => 'José María',
    'last_name' => "O'Brien & Sons",
]);
$cases['initialize_user'] = form_case('initialize_user', [
    'uid' => '24586932',
    'email' => 'jose@example.com',
    'first_name' => 'José María',
    'last_name' => "O'Brien & Sons",
]);
$cases['add_points_by_uid'] = form_case('add_points_by_uid', [
    'app_id' => $app,
    'userapp_id' => 'john+tag@doe.com',
    'points' => -50,
    'concept' => 3,
    'description' => '¡Gracias por 1 año! 😀 100% ~*',
    'branch' => 'Sucursal Centro',
]);

// The custom-connector guide's rule, in PHP floats: ceil($salePoints * floor($total)).
$total = 300.99;
$salePoints = 5;
$orderDetail = [];
$orderDetail[] = [
    'codigo' => 'SKU1034-212',
    'producto' => 'LA "LAKERS" BLUE T-SHIRT',
    'cantidad' => 3,
    'precio' => 19.99,
    'branch' => 'Sucursal Centro',
    'categoryCode' => 'ROPA/REMERAS',
    'variations' => [['name' => 'Color', 'value' => 'Azul'], ['name' => 'Talle', 'value' => 'XS']],
];
$orderDetail[] = ['codigo' => '13', 'producto' => 'Café ñandú 0,5 kg', 'cantidad' => 0.5, 'precio' => 10.3];
$orderDetail[] = ['codigo' => '14', 'producto' => 'Regalo', 'cantidad' => 1, 'precio' => 0];
$cases['add_sale_points_by_uid'] = form_case('add_sale_points_by_uid', [
    'app_id' => $app,
    'uid' => 'john+tag@doe.com',
    'points' => ceil($salePoints * floor($total)),
    'nrofactura' => 'A-0001/2023',
    'factura' => json_encode($orderDetail),
    'branch' => 'Sucursal Centro',
    'datetime' => '2024-02-29 23:59:59',
]);
// The connect-your-shop guide's rule, unrounded: $orderTotal * $salePoints.
$cases['add_sale_points_unrounded'] = form_case('add_sale_points_by_uid', [
    'app_id' => $app,
    'uid' => 'john@doe.com',
    'points' => 19.99 * 1.5,
    'nrofactura' => '1034242',
]);
$cases['cancel_invoice'] = form_case('cancel_invoice', ['app_id' => $app, 'nrofactura' => 'A-0001/2023']);
$cases['transactions'] = get_case('transactions', ['userapp_id' => '17']);
$cases['contest_sale_points'] = get_case('contest_sale_points');
$cases['connectedservices'] = get_case('connectedservices');
$cases['coupon_status'] = form_case('coupon_status', ['coupon_id' => 'CUP-1 2', 'status' => 4]);
$product = [
    'code' => 'SKU 1/2',
    'name' => 'Jabón & Co',
    'category_id' => '23',
    'thumbnail_url' => 'http://img.com/thumbnail.jpg',
    'image_url' => 'http://img.com/image.jpg',
    'url' => 'http://my-ecommerce.com/123/soap?x=1&y=ñ',
    'cost' => 15.8,
];
$cases['save_product'] = ['method' => 'POST', 'url' => $base . $app . '/save_product?' . http_build_query($product), 'body' => null];
$cases['save_category_tree'] = json_case('save_category_tree', [
    ['id' => 1, 'name' => 'Ropa Mujer', 'children' => [
        ['id' => 2, 'name' => 'Polleras', 'children' => [['id' => 5, 'name' => 'Niños/Niñas', 'children' => null]]],
        ['id' => 3, 'name' => 'Minifaldas', 'children' => null],
    ]],
    ['id' => 4, 'name' => 'Ropa "Hombre"', 'children' => []],
    ['id' => 'ACC-9', 'name' => 'Accesorios', 'children' => null],
]);
$cases['send_transactional_email'] = json_case('send_transactional_email', [
    'to' => ['user1@email.com', 'josé+1@email.com'],
    'subject' => 'Tu pedido ✓ 100%',
    'body' => "<p>Hola \"José\"</p>\n<a href=\"https://x.com/a?b=1\">ver</a>",
]);
$cases['registration_reject'] = ['method' => null, 'url' => null, 'body' => json_encode(['status' => false, 'message' => 'Tu DNI no se encuentra registrado / ñ'])];
$cases['registration_accept'] = ['method' => null, 'url' => null, 'body' => json_encode(['status' => true])];
// Float drift the Rust side deliberately avoids: ceil(1.1 * 100) is 111 in PHP, 110 exactly.
$cases['float_drift_ceil'] = ['method' => null, 'url' => null, 'body' => (string) ceil(1.1 * 100)];

echo json_encode($cases, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRETTY_PRINT), "\n";
