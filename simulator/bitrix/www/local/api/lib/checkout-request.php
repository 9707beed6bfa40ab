<?php
/**
 * Validation of the checkout body: { items: [{ productId, quantity }], customer: { name, phone, email },
 * paymentMethod: qr|link|remote, callShape?: with-shop-id|order-context } (lib/integration.php).
 */
declare(strict_types=1);

namespace Harness\Api;

final class CheckoutRequest
{
    /**
     * @param array<int, int> $quantities product id => quantity (duplicates merged)
     * @param array{name: string, phone: string, email: string} $customer
     */
    private function __construct(
        public readonly array $quantities,
        public readonly array $customer,
        public readonly string $paymentMethod,
        public readonly string $callShape = 'with-shop-id',
    ) {
    }

    public static function fromBody(array $body): self
    {
        $items = $body['items'] ?? null;
        if (!is_array($items) || !array_is_list($items) || $items === [] || count($items) > 50) {
            throw new HttpError(400, 'invalid_items', 'items must be a list of 1 to 50 { productId, quantity }');
        }
        $quantities = [];
        foreach ($items as $index => $item) {
            $productId = is_array($item) ? ($item['productId'] ?? null) : null;
            $quantity = is_array($item) ? ($item['quantity'] ?? null) : null;
            if (!is_int($productId) || $productId <= 0 || !is_int($quantity) || $quantity <= 0 || $quantity > 1000) {
                throw new HttpError(400, 'invalid_items', "items[$index] needs an integer productId > 0 and quantity 1..1000");
            }
            $quantities[$productId] = ($quantities[$productId] ?? 0) + $quantity;
        }
        $customer = $body['customer'] ?? null;
        if (!is_array($customer)) {
            throw new HttpError(400, 'invalid_customer', 'customer must be { name, phone, email }');
        }
        $fields = [];
        foreach (['name' => true, 'phone' => true, 'email' => false] as $field => $required) {
            $value = $customer[$field] ?? '';
            if (!is_string($value) || mb_strlen($value) > 255 || ($required && trim($value) === '')) {
                throw new HttpError(400, 'invalid_customer', "customer.$field must be a" . ($required ? ' non-empty' : '') . ' string (at most 255 characters)');
            }
            $fields[$field] = trim($value);
        }
        $method = $body['paymentMethod'] ?? null;
        if (!in_array($method, ['qr', 'link', 'remote'], true)) {
            throw new HttpError(400, 'invalid_payment_method', "paymentMethod must be 'qr', 'link' or 'remote'");
        }
        $callShape = $body['callShape'] ?? 'with-shop-id';
        if (!in_array($callShape, ['with-shop-id', 'order-context'], true)) {
            throw new HttpError(400, 'invalid_call_shape', "callShape must be 'with-shop-id' or 'order-context'");
        }
        return new self($quantities, $fields, $method, $callShape);
    }
}
