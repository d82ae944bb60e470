/**
 * Sample messages the typed-messaging tests send and expect back.
 * @module
 */

/** An OrderMessage with a distinct small value in every field. */
export const sampleOrder = {
  timestampNs: 1,
  orderId: 2,
  symbolId: 3,
  price: 4,
  quantity: 5,
  side: 1,
  orderType: 2,
};
