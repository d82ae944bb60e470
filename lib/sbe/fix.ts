/**
 * The FIX message set in SBE (schema id 1, version 1), after CME iLink 3 conventions; the
 * same declarations as native/src/sbe/fix.zig (field names in camelCase there snake_case),
 * and the golden-corpus test checks both encode the same bytes. Offset tables: docs/sbe.md.
 * @module
 */
import { defineMessage, type MessageCodec } from "./codec.ts";

/** Schema id 1, version 1. */
export const fixSchema: { readonly id: 1; readonly version: 1 } = { id: 1, version: 1 };
/** Every price is a Decimal64 with this exponent (1e-9 units, CME PRICE9). */
export const priceExponent = -9;

/** Side (uint8). */
export const Side = { buy: 1, sell: 2 } as const;
/** OrdType (char: the values are ASCII codes, "1" = 0x31). */
export const OrdType = { market: 0x31, limit: 0x32, stop: 0x33, stopLimit: 0x34 } as const;
/** TimeInForce (uint8). */
export const TimeInForce = {
  day: 0,
  goodTillCancel: 1,
  immediateOrCancel: 3,
  fillOrKill: 4,
  goodTillDate: 6,
} as const;
/** ExecType (char). */
export const ExecType = {
  new: 0x30,
  canceled: 0x34,
  replaced: 0x35,
  rejected: 0x38,
  expired: 0x43,
  trade: 0x46,
} as const;
/** OrdStatus (char). */
export const OrdStatus = {
  new: 0x30,
  partiallyFilled: 0x31,
  filled: 0x32,
  canceled: 0x34,
  replaced: 0x35,
  rejected: 0x38,
  expired: 0x43,
} as const;
/** MDUpdateAction (uint8). */
export const MDUpdateAction = {
  new: 0,
  change: 1,
  delete: 2,
  deleteThru: 3,
  deleteFrom: 4,
  overlay: 5,
} as const;
/** MDEntryType (char). */
export const MDEntryType = {
  bid: 0x30,
  offer: 0x31,
  trade: 0x32,
  openingPrice: 0x34,
  settlementPrice: 0x36,
  impliedBid: 0x45,
  impliedOffer: 0x46,
  emptyBook: 0x4a,
} as const;
/** LiquidityIndicator (char). */
export const LiquidityIndicator = { added: 0x31, removed: 0x32 } as const;
/** BooleanFlag (uint8). */
export const BooleanFlag = { false: 0, true: 1 } as const;

const heartbeat = {
  name: "Heartbeat",
  templateId: 48,
  fields: {
    sendingTime: { type: "uint64" },
    lastMsgSeqNumProcessed: { type: "uint32" },
  },
} as const;

const logon = {
  name: "Logon",
  templateId: 65,
  fields: {
    sendingTime: { type: "uint64" },
    heartBtInt: { type: "uint16" },
    utcOffsetMinutes: { type: "int16", optional: true },
    resetSeqNum: { type: "enum", encoding: "uint8", values: BooleanFlag },
    sessionId: { type: "chars", length: 3 },
    firmId: { type: "chars", length: 5 },
    senderCompId: { type: "chars", length: 20 },
    targetCompId: { type: "chars", length: 20 },
  },
  data: { credentials: { length: "uint32" } },
} as const;

const logout = {
  name: "Logout",
  templateId: 53,
  fields: {
    sendingTime: { type: "uint64" },
    nextExpectedSeqNo: { type: "uint32" },
  },
  data: { text: {} },
} as const;

const newOrderSingle = {
  name: "NewOrderSingle",
  templateId: 68,
  fields: {
    price: { type: "decimal64", exponent: -9, optional: true },
    stopPx: { type: "decimal64", exponent: -9, optional: true },
    transactTime: { type: "uint64" },
    orderQty: { type: "uint32" },
    minQty: { type: "uint32", optional: true },
    securityId: { type: "int32" },
    side: { type: "enum", encoding: "uint8", values: Side },
    ordType: { type: "enum", encoding: "char", values: OrdType },
    timeInForce: { type: "enum", encoding: "uint8", values: TimeInForce },
    custOrderHandlingInst: { type: "char", optional: true },
    clOrdId: { type: "chars", length: 20 },
    account: { type: "chars", length: 12 },
    selfMatchPreventionId: { type: "uint64", optional: true, since: 1 },
  },
} as const;

const orderCancelRequest = {
  name: "OrderCancelRequest",
  templateId: 70,
  fields: {
    orderId: { type: "uint64", optional: true },
    transactTime: { type: "uint64" },
    securityId: { type: "int32" },
    side: { type: "enum", encoding: "uint8", values: Side },
    clOrdId: { type: "chars", length: 20 },
    origClOrdId: { type: "chars", length: 20 },
    account: { type: "chars", length: 12 },
  },
} as const;

const orderCancelReplaceRequest = {
  name: "OrderCancelReplaceRequest",
  templateId: 71,
  fields: {
    price: { type: "decimal64", exponent: -9, optional: true },
    stopPx: { type: "decimal64", exponent: -9, optional: true },
    orderId: { type: "uint64", optional: true },
    transactTime: { type: "uint64" },
    orderQty: { type: "uint32" },
    securityId: { type: "int32" },
    side: { type: "enum", encoding: "uint8", values: Side },
    ordType: { type: "enum", encoding: "char", values: OrdType },
    timeInForce: { type: "enum", encoding: "uint8", values: TimeInForce },
    clOrdId: { type: "chars", length: 20 },
    origClOrdId: { type: "chars", length: 20 },
    account: { type: "chars", length: 12 },
  },
} as const;

const executionReport = {
  name: "ExecutionReport",
  templateId: 56,
  fields: {
    orderId: { type: "uint64" },
    transactTime: { type: "uint64" },
    price: { type: "decimal64", exponent: -9, optional: true },
    lastPx: { type: "decimal64", exponent: -9, optional: true },
    fee: { type: "double", optional: true },
    securityId: { type: "int32" },
    orderQty: { type: "uint32" },
    lastQty: { type: "uint32", optional: true },
    leavesQty: { type: "uint32" },
    cumQty: { type: "uint32" },
    execType: { type: "enum", encoding: "char", values: ExecType },
    ordStatus: { type: "enum", encoding: "char", values: OrdStatus },
    side: { type: "enum", encoding: "uint8", values: Side },
    liquidityIndicator: { type: "enum", encoding: "char", values: LiquidityIndicator, optional: true },
    clOrdId: { type: "chars", length: 20 },
    execId: { type: "chars", length: 20 },
    account: { type: "chars", length: 12 },
  },
  data: { text: {} },
} as const;

const marketDataIncrementalRefresh = {
  name: "MarketDataIncrementalRefresh",
  templateId: 88,
  fields: {
    transactTime: { type: "uint64" },
    matchEventIndicator: { type: "uint8" },
  },
  groups: {
    entries: {
      countMax: 64,
      fields: {
        mdEntryPx: { type: "decimal64", exponent: -9, optional: true },
        mdEntrySize: { type: "int32", optional: true },
        securityId: { type: "int32" },
        rptSeq: { type: "uint32" },
        numberOfOrders: { type: "int32", optional: true },
        mdPriceLevel: { type: "uint8" },
        mdUpdateAction: { type: "enum", encoding: "uint8", values: MDUpdateAction },
        mdEntryType: { type: "enum", encoding: "char", values: MDEntryType },
        tickDirection: { type: "int8", optional: true },
      },
    },
  },
} as const;

const marketDataSnapshotFullRefresh = {
  name: "MarketDataSnapshotFullRefresh",
  templateId: 87,
  fields: {
    lastMsgSeqNumProcessed: { type: "uint32" },
    totNumReports: { type: "uint32" },
    securityId: { type: "int32" },
    rptSeq: { type: "uint32" },
    transactTime: { type: "uint64" },
    lastUpdateTime: { type: "uint64" },
    tradeDate: { type: "uint16" },
  },
  groups: {
    entries: {
      countMax: 128,
      fields: {
        mdEntryPx: { type: "decimal64", exponent: -9, optional: true },
        mdEntrySize: { type: "int64", optional: true },
        numberOfOrders: { type: "int32", optional: true },
        mdPriceLevel: { type: "uint8", optional: true },
        mdEntryType: { type: "enum", encoding: "char", values: MDEntryType },
      },
    },
  },
} as const;

const massQuote = {
  name: "MassQuote",
  templateId: 105,
  fields: {
    transactTime: { type: "uint64" },
    quoteId: { type: "chars", length: 20 },
    account: { type: "chars", length: 12 },
    mmProtectionReset: { type: "enum", encoding: "uint8", values: BooleanFlag },
  },
  groups: {
    quoteSets: {
      countMax: 16,
      fields: {
        quoteSetId: { type: "uint16" },
        underlyingSecurityId: { type: "int32" },
        totNoQuoteEntries: { type: "uint8" },
      },
      groups: {
        quoteEntries: {
          countMax: 32,
          fields: {
            securityId: { type: "int32" },
            quoteEntryId: { type: "uint32" },
            bidPx: { type: "decimal64", exponent: -9, optional: true },
            offerPx: { type: "decimal64", exponent: -9, optional: true },
            bidSize: { type: "int32", optional: true },
            offerSize: { type: "int32", optional: true },
            bidVolatility: { type: "float", optional: true },
          },
        },
      },
    },
  },
} as const;

/** Heartbeat (template 48). */
export const Heartbeat: MessageCodec<typeof heartbeat> = defineMessage(fixSchema, heartbeat);
/** Logon (template 65); var data `credentials` with a u32 length. */
export const Logon: MessageCodec<typeof logon> = defineMessage(fixSchema, logon);
/** Logout (template 53); var data `text`. */
export const Logout: MessageCodec<typeof logout> = defineMessage(fixSchema, logout);
/**
 * NewOrderSingle (template 68).
 *
 * @example
 * ```ts
 * const enc = NewOrderSingle.encoder().wrap(buf);
 * enc.price = 4512.25; enc.orderQty = 7; enc.side = Side.buy; enc.clOrdId = "ORD-1";
 * ```
 */
export const NewOrderSingle: MessageCodec<typeof newOrderSingle> = defineMessage(fixSchema, newOrderSingle);
/** OrderCancelRequest (template 70). */
export const OrderCancelRequest: MessageCodec<typeof orderCancelRequest> = defineMessage(
  fixSchema,
  orderCancelRequest,
);
/** OrderCancelReplaceRequest (template 71). */
export const OrderCancelReplaceRequest: MessageCodec<typeof orderCancelReplaceRequest> = defineMessage(
  fixSchema,
  orderCancelReplaceRequest,
);
/** ExecutionReport (template 56); var data `text`. */
export const ExecutionReport: MessageCodec<typeof executionReport> = defineMessage(
  fixSchema,
  executionReport,
);
/** MarketDataIncrementalRefresh (template 88) with its `entries` group. */
export const MarketDataIncrementalRefresh: MessageCodec<typeof marketDataIncrementalRefresh> = defineMessage(
  fixSchema,
  marketDataIncrementalRefresh,
);
/** MarketDataSnapshotFullRefresh (template 87) with its `entries` group. */
export const MarketDataSnapshotFullRefresh: MessageCodec<typeof marketDataSnapshotFullRefresh> =
  defineMessage(
    fixSchema,
    marketDataSnapshotFullRefresh,
  );
/** MassQuote (template 105): `quoteSets`, each with nested `quoteEntries`. */
export const MassQuote: MessageCodec<typeof massQuote> = defineMessage(fixSchema, massQuote);

/** Every codec of the set. */
export const fixMessages: readonly MessageCodec<
  | typeof heartbeat
  | typeof logon
  | typeof logout
  | typeof newOrderSingle
  | typeof orderCancelRequest
  | typeof orderCancelReplaceRequest
  | typeof executionReport
  | typeof marketDataIncrementalRefresh
  | typeof marketDataSnapshotFullRefresh
  | typeof massQuote
>[] = [
  Heartbeat,
  Logon,
  Logout,
  NewOrderSingle,
  OrderCancelRequest,
  OrderCancelReplaceRequest,
  ExecutionReport,
  MarketDataIncrementalRefresh,
  MarketDataSnapshotFullRefresh,
  MassQuote,
];
