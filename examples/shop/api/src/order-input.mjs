// Pure: validate the body of POST /orders. Returns { order } or { errors: [message, ...] }.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseOrderInput(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { errors: ['body must be a JSON object: {"item", "quantity", "email"}'] };
  }
  const errors = [];
  const item = typeof body.item === 'string' ? body.item.trim() : '';
  if (item.length === 0 || item.length > 200) {
    errors.push('item must be a non-empty string of at most 200 characters');
  }
  const quantity = body.quantity;
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 1000) {
    errors.push('quantity must be a whole number from 1 to 1000');
  }
  const email = typeof body.email === 'string' ? body.email.trim() : '';
  if (!EMAIL.test(email) || email.length > 320) {
    errors.push('email must be an email address such as ada@example.com');
  }
  return errors.length > 0 ? { errors } : { order: { item, quantity, email } };
}
