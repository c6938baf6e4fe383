// Demo shop: a tiny catalog, a cart in localStorage and the helpers the pages share. Loaded in <head>, before the
// tracker snippet, so pages can set their title first. Tracking calls live in the pages.
const SHOP = (() => {
  const CURRENCY = 'USD';
  const CATALOG = [
    { sku: 'MUG-01', name: 'Stream Mug', category: 'Kitchen', price: 12.5, text: 'Holds exactly one cup of coffee per event.' },
    { sku: 'BTL-01', name: 'Offset Bottle', category: 'Kitchen', price: 9.9, text: 'Keeps water cold until it is committed.' },
    { sku: 'TEE-01', name: 'Partition Tee', category: 'Apparel', price: 24, text: 'Soft cotton, ordered by key.' },
    { sku: 'CAP-01', name: 'Broker Cap', category: 'Apparel', price: 18, text: 'Shade for three replicas.' },
    { sku: 'NB-01', name: 'Schema Notebook', category: 'Office', price: 7.25, text: '96 pages, additionalProperties: false.' },
    { sku: 'PST-01', name: 'Funnel Poster', category: 'Office', price: 15, text: 'Views, carts, checkouts, purchases.' }
  ];
  const bySku = sku => CATALOG.find(p => p.sku === sku);
  const money = n => new Intl.NumberFormat('en-US', { style: 'currency', currency: CURRENCY }).format(n);
  const param = name => new URLSearchParams(location.search).get(name);
  const esc = s => String(s).replace(/[&<>"']/g, c => '&#' + c.charCodeAt(0) + ';');

  const cart = {
    lines: () => { try { return JSON.parse(localStorage.getItem('demo:cart')) || []; } catch (e) { return []; } },
    save: lines => localStorage.setItem('demo:cart', JSON.stringify(lines)),
    add(sku, qty) {
      const lines = cart.lines(), line = lines.find(l => l.sku === sku);
      if (line) line.quantity += qty; else lines.push({ sku, quantity: qty });
      cart.save(lines);
    },
    remove(sku) { cart.save(cart.lines().filter(l => l.sku !== sku)); },
    clear() { localStorage.removeItem('demo:cart'); },
    // Products as the tracker's commerce API takes them: catalog fields plus the quantity in the cart.
    products: () => cart.lines().filter(l => bySku(l.sku)).map(l => {
      const p = bySku(l.sku);
      return { sku: p.sku, name: p.name, category: p.category, price: p.price, quantity: l.quantity };
    }),
    total: () => Math.round(cart.products().reduce((s, p) => s + p.price * p.quantity, 0) * 100) / 100
  };

  function header() {
    const count = cart.lines().reduce((s, l) => s + l.quantity, 0);
    document.getElementById('cart-count').textContent = count;
  }

  return { CURRENCY, CATALOG, bySku, money, param, esc, cart, header };
})();
