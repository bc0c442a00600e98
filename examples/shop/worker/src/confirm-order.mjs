// Confirm one order: record its confirmation email and mark it confirmed, atomically.
// BullMQ delivers at least once, so running this twice for one order changes nothing.
export function confirmationSubject(order) {
  return `Order #${order.id} confirmed: ${order.quantity} x ${order.item}`;
}

export async function confirmOrder(pool, orderId) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      'SELECT id, item, quantity, email, status FROM orders WHERE id = $1 FOR UPDATE',
      [orderId],
    );
    const order = rows[0];
    if (!order) throw new Error(`order ${orderId} does not exist`);
    await client.query(
      `INSERT INTO confirmation_emails (order_id, recipient, subject) VALUES ($1, $2, $3)
       ON CONFLICT (order_id) DO NOTHING`,
      [order.id, order.email, confirmationSubject(order)],
    );
    await client.query(
      `UPDATE orders SET status = 'confirmed', confirmed_at = coalesce(confirmed_at, now())
        WHERE id = $1`,
      [order.id],
    );
    await client.query('COMMIT');
    return {
      orderId: order.id,
      recipient: order.email,
      alreadyConfirmed: order.status === 'confirmed',
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
