// Pure: the HTML page. The browser config is embedded as JSON in a <script> element that is
// data, not code; `<` is escaped so no value can close the element early.
export function browserConfigJson(config) {
  return JSON.stringify({ apiPublicUrl: config.apiPublicUrl }).replace(/</g, '\\u003c');
}

export function renderPage(config) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Shop</title>
    <script id="shop-config" type="application/json">${browserConfigJson(config)}</script>
    <script type="module" src="/app.js"></script>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 2rem auto; }
      label { display: block; margin: 0.5rem 0; }
      #status { margin-top: 1rem; white-space: pre-wrap; }
    </style>
  </head>
  <body>
    <h1>Shop</h1>
    <form id="order-form">
      <label>Item <input name="item" required value="Teapot" /></label>
      <label>Quantity <input name="quantity" type="number" min="1" value="1" required /></label>
      <label>Email <input name="email" type="email" required value="ada@example.com" /></label>
      <button type="submit">Place order</button>
    </form>
    <p id="status" role="status"></p>
  </body>
</html>
`;
}
