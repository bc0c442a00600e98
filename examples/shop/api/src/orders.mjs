// Postgres access for orders. The schema belongs to the migrate job.
export async function schemaVersion(pool) {
  try {
    const { rows } = await pool.query('SELECT max(version) AS version FROM schema_migrations');
    return rows[0]?.version ?? null;
  } catch (error) {
    if (error.code === '42P01') return null; // undefined_table: migrate never ran here
    throw error;
  }
}

export async function insertOrder(pool, { item, quantity, email }) {
  const { rows } = await pool.query(
    `INSERT INTO orders (item, quantity, email) VALUES ($1, $2, $3)
     RETURNING id, item, quantity, email, status, created_at`,
    [item, quantity, email],
  );
  return toOrder(rows[0]);
}

export async function deleteOrder(pool, id) {
  await pool.query('DELETE FROM orders WHERE id = $1', [id]);
}

export async function findOrder(pool, id) {
  const { rows } = await pool.query(
    `SELECT o.id, o.item, o.quantity, o.email, o.status, o.created_at, o.confirmed_at,
            e.recipient AS email_recipient, e.subject AS email_subject,
            e.created_at AS email_created_at
       FROM orders o LEFT JOIN confirmation_emails e ON e.order_id = o.id
      WHERE o.id = $1`,
    [id],
  );
  return rows[0] ? toOrder(rows[0]) : null;
}

function toOrder(row) {
  const confirmationEmail = row.email_recipient
    ? { recipient: row.email_recipient, subject: row.email_subject, at: row.email_created_at }
    : null;
  return {
    id: row.id,
    item: row.item,
    quantity: row.quantity,
    email: row.email,
    status: row.status,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at ?? null,
    confirmationEmail,
    confirmationEmailRecorded: confirmationEmail !== null,
  };
}
