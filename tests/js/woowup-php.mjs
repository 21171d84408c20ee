// What php-cli prints for the WoowUp API v2 requests of tests/woowup_requests.rs: the output of
// `php tests/php/woowup_forms.php` (PHP 8.2, built the way WoowUp's own PHP client builds them),
// copied here so that browsers and workerd check the package against it too. The Node-only
// tests/js/woowup-node.test.mjs fails when this copy and the script's output differ; regenerate:
//   (head -n 7 tests/js/woowup-php.mjs; printf 'export const PHP = '; php tests/php/woowup_forms.php |
//     sed '$ s/$/;/') > /tmp/woowup-php.mjs && mv /tmp/woowup-php.mjs tests/js/woowup-php.mjs

export const PHP = {
    "user_by_email": {
        "method": "GET",
        "url": "https://admin.woowup.com/apiv2/13/user_by_email?email=john%2Btag%40doe.com",
        "body": null
    },
    "user_by_uid": {
        "method": "GET",
        "url": "https://admin.woowup.com/apiv2/13/user_by_uid?uid=DNI+24.586.932%2F%C3%A1%3Fx%3D1%26y",
        "body": null
    },
    "is_user": {
        "method": "GET",
        "url": "https://admin.woowup.com/apiv2/13/is_user?service=2&service_uid=john%2Btag%40doe.com",
        "body": null
    },
    "top_users_by_points": {
        "method": "GET",
        "url": "https://admin.woowup.com/apiv2/13/top_users_by_points?limit=25",
        "body": null
    },
    "top_users_by_points_default": {
        "method": "GET",
        "url": "https://admin.woowup.com/apiv2/13/top_users_by_points",
        "body": null
    },
    "register_user_classic": {
        "method": "POST",
        "url": "https://admin.woowup.com/apiv2/13/register_user_classic",
        "body": "uid=jose%40example.com&pass=p%40ss+w0rd%26%3D%25%7E&email=jose%40example.com&first_name=Jos%C3%A9+Mar%C3%ADa&last_name=O%27Brien+%26+Sons"
    },
    "initialize_user": {
        "method": "POST",
        "url": "https://admin.woowup.com/apiv2/13/initialize_user",
        "body": "uid=24586932&email=jose%40example.com&first_name=Jos%C3%A9+Mar%C3%ADa&last_name=O%27Brien+%26+Sons"
    },
    "add_points_by_uid": {
        "method": "POST",
        "url": "https://admin.woowup.com/apiv2/13/add_points_by_uid",
        "body": "app_id=13&userapp_id=john%2Btag%40doe.com&points=-50&concept=3&description=%C2%A1Gracias+por+1+a%C3%B1o%21+%F0%9F%98%80+100%25+%7E%2A&branch=Sucursal+Centro"
    },
    "add_sale_points_by_uid": {
        "method": "POST",
        "url": "https://admin.woowup.com/apiv2/13/add_sale_points_by_uid",
        "body": "app_id=13&uid=john%2Btag%40doe.com&points=1500&nrofactura=A-0001%2F2023&factura=%5B%7B%22codigo%22%3A%22SKU1034-212%22%2C%22producto%22%3A%22LA+%5C%22LAKERS%5C%22+BLUE+T-SHIRT%22%2C%22cantidad%22%3A3%2C%22precio%22%3A19.99%2C%22branch%22%3A%22Sucursal+Centro%22%2C%22categoryCode%22%3A%22ROPA%5C%2FREMERAS%22%2C%22variations%22%3A%5B%7B%22name%22%3A%22Color%22%2C%22value%22%3A%22Azul%22%7D%2C%7B%22name%22%3A%22Talle%22%2C%22value%22%3A%22XS%22%7D%5D%7D%2C%7B%22codigo%22%3A%2213%22%2C%22producto%22%3A%22Caf%5Cu00e9+%5Cu00f1and%5Cu00fa+0%2C5+kg%22%2C%22cantidad%22%3A0.5%2C%22precio%22%3A10.3%7D%2C%7B%22codigo%22%3A%2214%22%2C%22producto%22%3A%22Regalo%22%2C%22cantidad%22%3A1%2C%22precio%22%3A0%7D%5D&branch=Sucursal+Centro&datetime=2024-02-29+23%3A59%3A59"
    },
    "add_sale_points_unrounded": {
        "method": "POST",
        "url": "https://admin.woowup.com/apiv2/13/add_sale_points_by_uid",
        "body": "app_id=13&uid=john%40doe.com&points=29.985&nrofactura=1034242"
    },
    "cancel_invoice": {
        "method": "POST",
        "url": "https://admin.woowup.com/apiv2/13/cancel_invoice",
        "body": "app_id=13&nrofactura=A-0001%2F2023"
    },
    "transactions": {
        "method": "GET",
        "url": "https://admin.woowup.com/apiv2/13/transactions?userapp_id=17",
        "body": null
    },
    "contest_sale_points": {
        "method": "GET",
        "url": "https://admin.woowup.com/apiv2/13/contest_sale_points",
        "body": null
    },
    "connectedservices": {
        "method": "GET",
        "url": "https://admin.woowup.com/apiv2/13/connectedservices",
        "body": null
    },
    "coupon_status": {
        "method": "POST",
        "url": "https://admin.woowup.com/apiv2/13/coupon_status",
        "body": "coupon_id=CUP-1+2&status=4"
    },
    "save_product": {
        "method": "POST",
        "url": "https://admin.woowup.com/apiv2/13/save_product?code=SKU+1%2F2&name=Jab%C3%B3n+%26+Co&category_id=23&thumbnail_url=http%3A%2F%2Fimg.com%2Fthumbnail.jpg&image_url=http%3A%2F%2Fimg.com%2Fimage.jpg&url=http%3A%2F%2Fmy-ecommerce.com%2F123%2Fsoap%3Fx%3D1%26y%3D%C3%B1&cost=15.8",
        "body": null
    },
    "save_category_tree": {
        "method": "POST",
        "url": "https://admin.woowup.com/apiv2/13/save_category_tree",
        "body": "[{\"id\":1,\"name\":\"Ropa Mujer\",\"children\":[{\"id\":2,\"name\":\"Polleras\",\"children\":[{\"id\":5,\"name\":\"Ni\\u00f1os\\/Ni\\u00f1as\",\"children\":null}]},{\"id\":3,\"name\":\"Minifaldas\",\"children\":null}]},{\"id\":4,\"name\":\"Ropa \\\"Hombre\\\"\",\"children\":[]},{\"id\":\"ACC-9\",\"name\":\"Accesorios\",\"children\":null}]"
    },
    "send_transactional_email": {
        "method": "POST",
        "url": "https://admin.woowup.com/apiv2/13/send_transactional_email",
        "body": "{\"to\":[\"user1@email.com\",\"jos\\u00e9+1@email.com\"],\"subject\":\"Tu pedido \\u2713 100%\",\"body\":\"<p>Hola \\\"Jos\\u00e9\\\"<\\/p>\\n<a href=\\\"https:\\/\\/x.com\\/a?b=1\\\">ver<\\/a>\"}"
    },
    "registration_reject": {
        "method": null,
        "url": null,
        "body": "{\"status\":false,\"message\":\"Tu DNI no se encuentra registrado \\/ \\u00f1\"}"
    },
    "registration_accept": {
        "method": null,
        "url": null,
        "body": "{\"status\":true}"
    },
    "float_drift_ceil": {
        "method": null,
        "url": null,
        "body": "111"
    }
};
