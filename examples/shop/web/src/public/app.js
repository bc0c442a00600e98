/* global FormData -- browser code; the lint config lists only the globals shared with Node. */
// Browser code. It calls the api at the public URL the server embedded in the page: the api is
// another origin, so this request is cross-origin and relies on the api's CORS answer.
const config = JSON.parse(document.getElementById('shop-config').textContent);
const form = document.getElementById('order-form');
const status = document.getElementById('status');

async function api(path, init) {
  // `include`: a private preview's api is reached through Berth's gateway, which needs the
  // access cookie the browser holds for the api's host; the api allows credentials for our origin.
  const response = await fetch(`${config.apiPublicUrl}${path}`, {
    ...init,
    credentials: 'include',
  });
  const body = await response.json();
  if (!response.ok) throw new Error((body.errors ?? [body.error]).join('; '));
  return body;
}

async function waitForConfirmation(id) {
  for (let i = 0; i < 30; i += 1) {
    const order = await api(`/orders/${id}`);
    if (order.status === 'confirmed' && order.confirmationEmailRecorded) return order;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`order ${id} was not confirmed within 30 s`);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  status.textContent = 'Placing order…';
  try {
    const order = await api('/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        item: data.get('item'),
        quantity: Number(data.get('quantity')),
        email: data.get('email'),
      }),
    });
    status.textContent = `Order #${order.id} is ${order.status}…`;
    const confirmed = await waitForConfirmation(order.id);
    status.textContent = `Order #${confirmed.id} confirmed. Email: "${confirmed.confirmationEmail.subject}"`;
  } catch (error) {
    status.textContent = `Failed: ${error.message}`;
  }
});
