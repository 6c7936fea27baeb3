import assert from 'node:assert/strict';
import {test} from 'node:test';
import {normalizeSql} from '../app/sql.js';

test('string and number literals become placeholders, so values never reach an operation name', () => {
	const op = normalizeSql("SELECT * FROM orders WHERE customer = 'Acme Labs' AND total_cents > 1500 AND note = 'it''s'");
	assert.equal(op, 'SELECT * FROM orders WHERE customer = ? AND total_cents > ? AND note = ?');
	assert.doesNotMatch(op, /Acme|1500|it/);
});

test('named parameters, numbered parameters and negative or exponent numbers become ?', () => {
	assert.equal(normalizeSql('UPDATE orders SET status = :status, updated_at = @now WHERE id = $id AND x = ?2 AND y = -1.5e3'), 'UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND x = ? AND y = ?');
});

test('identifiers that contain digits are kept', () => {
	assert.equal(normalizeSql('SELECT t2.col1 FROM table2 t2'), 'SELECT t2.col1 FROM table2 t2');
});

test('comments and layout do not make a different operation', () => {
	const a = normalizeSql('SELECT count(*) AS n\n  FROM orders -- the total\n  WHERE status = ?');
	const b = normalizeSql('SELECT count(*) AS n FROM orders /* total */ WHERE status = ?');
	assert.equal(a, 'SELECT count(*) AS n FROM orders WHERE status = ?');
	assert.equal(b, a);
});

test('IN lists of any length fold to one shape', () => {
	assert.equal(normalizeSql('SELECT * FROM orders WHERE id IN (1, 2, 3)'), normalizeSql('SELECT * FROM orders WHERE id IN (?,?)'));
	assert.equal(normalizeSql('SELECT * FROM orders WHERE id IN (1, 2, 3)'), 'SELECT * FROM orders WHERE id IN (?)');
});

test('long statements are cut to 160 characters', () => {
	const op = normalizeSql(`SELECT ${Array.from({length: 60}, (_, index) => `column_${String.fromCharCode(97 + (index % 26))}`).join(', ')} FROM orders`);
	assert.equal(op.length, 160);
	assert.ok(op.endsWith('…'));
});
