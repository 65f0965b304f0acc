// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IOrderBookDEX
/// @notice An on-chain limit order book for (base, quote) ERC-20 pairs with price-time priority.
/// @dev Units. A pair trades base in whole lots of `lotSize` base atoms; a price is the number
/// of quote atoms for one lot. So a fill of `lots` at `price` moves exactly `lots * lotSize`
/// base atoms and `lots * price` quote atoms: matching never rounds.
///
/// Escrow. A maker's tokens are held by this contract while the order is open: a buy escrows
/// `lots * price` quote, a sell `lots * lotSize` base. Each open order holds exactly that, so
/// the contract's balance of a token equals the sum of its open orders' escrow (plus whatever
/// anyone sent it outside these functions). Closing an order (filled or cancelled) returns the
/// rest.
///
/// Maker payouts that a token refuses (a blocklisted maker, say) do not stop matching: they wait
/// in the contract as the maker's credit, claimable with {claimCredit}. So the balance of a
/// token equals the open orders' escrow plus the unclaimed credits.
///
/// Minimum order size. Each pair has `minLots`: a new order must be at least that large, and an
/// order rests on the book only while it holds at least that many lots; a smaller remainder
/// (of a taker order, or of a maker order after a partial fill) is cancelled and its escrow
/// returned (event OrderCancelled). Dust therefore cannot sit at the head of a level, where
/// price-time priority would make every taker spend one of its `maxFills` on it.
///
/// Fee-on-transfer tokens. An order is sized by what arrived, measured as this contract's
/// balance change, rounded down to whole lots; the part of a lot that arrived is returned at
/// once. Payouts are sent gross: the token may charge its fee on the way to the recipient.
interface IOrderBookDEX {
    /// @notice A tradable pair.
    /// @param base The token traded in lots.
    /// @param lotSize Base atoms in one lot.
    /// @param quote The token prices are paid in.
    /// @param minLots The fewest lots a new order may have, and an order may rest with.
    struct Pair {
        address base;
        uint96 lotSize;
        address quote;
        uint80 minLots;
    }

    /// @notice An open order. `prev`/`next` link orders of the same price in time order.
    struct Order {
        address maker;
        uint64 next;
        uint24 pairId;
        bool isBuy;
        uint112 price;
        uint80 lots;
        uint64 prev;
    }

    /// @notice One price level of one side: its orders in time order and its neighbours.
    /// @param head The oldest order at this price, first to fill.
    /// @param tail The newest order at this price.
    /// @param better The next level towards the best price (0 at the best price).
    /// @param worse The next level away from the best price (0 at the worst price).
    struct Level {
        uint64 head;
        uint64 tail;
        uint112 better;
        uint112 worse;
    }

    /// @notice A pair was listed.
    event PairCreated(uint24 indexed pairId, address indexed base, address indexed quote, uint96 lotSize, uint80 minLots);

    /// @notice An order was accepted and its escrow received; `lots` is its size after any
    /// transfer fee. It matches next, and what is left rests unless it is cancelled in the
    /// same call (see {placeOrder}).
    event OrderPlaced(
        uint64 indexed orderId,
        uint24 indexed pairId,
        address indexed maker,
        bool isBuy,
        uint112 price,
        uint80 lots
    );

    /// @notice A taker order filled `lots` of a resting order at the resting order's price.
    /// @param baseAmount Base atoms sent to the buyer: `lots * lotSize`.
    /// @param quoteAmount Quote atoms sent to the seller: `lots * price`.
    event OrderFilled(
        uint24 indexed pairId,
        uint64 indexed makerOrderId,
        uint64 indexed takerOrderId,
        address maker,
        address taker,
        bool takerIsBuy,
        uint112 price,
        uint80 lots,
        uint256 baseAmount,
        uint256 quoteAmount
    );

    /// @notice An order's unfilled `lots` were removed from the book and their escrow returned.
    event OrderCancelled(uint64 indexed orderId, address indexed maker, uint80 lots);

    /// @notice A maker's payout could not be sent (the token refused it) and was credited to
    /// them instead; see {claimCredit}.
    event PayoutDeferred(address indexed account, address indexed token, uint256 amount);

    /// @notice `account` withdrew its credit of `token`.
    event CreditClaimed(address indexed account, address indexed token, uint256 amount);

    /// @notice An order of `lots` (after any transfer fee) is below the pair's `minLots`.
    error DexOrderBelowMinimum(uint80 lots, uint80 minLots);

    /// @notice No pair has this id.
    error DexPairNotFound(uint24 pairId);

    /// @notice The pair is already listed, under `pairId`.
    error DexPairExists(uint24 pairId);

    /// @notice Base and quote must be two different non-zero tokens.
    error DexInvalidPair(address base, address quote);

    /// @notice A lot must hold at least one base atom.
    error DexZeroLotSize();

    /// @notice A price must be at least one quote atom per lot.
    error DexZeroPrice();

    /// @notice An order must be for at least one lot.
    error DexZeroLots();

    /// @notice After the token's transfer fee, the escrow received (`received` atoms) does not
    /// cover one lot (`unit` atoms of escrow per lot).
    error DexOrderTooSmall(uint256 received, uint256 unit);

    /// @notice No open order has this id (never placed, filled, or cancelled).
    error DexOrderNotFound(uint64 orderId);

    /// @notice Only the order's maker may cancel it.
    error DexNotOrderMaker(uint64 orderId, address caller);

    /// @notice `account` has no credit of `token` to claim.
    error DexNothingToClaim(address account, address token);

    /// @notice Lists the pair (`base`, `quote`) traded in lots of `lotSize` base atoms, with orders
    /// of at least `minLots` lots (not zero: DexZeroLots). Anyone may list; one pair per
    /// (base, quote, lotSize).
    /// @return pairId The new pair's id, from 1.
    function createPair(address base, address quote, uint96 lotSize, uint80 minLots) external returns (uint24 pairId);

    /// @notice Places a limit order: escrows its tokens, fills it against the other side by
    /// price then time at the resting prices, and rests what is left at `price`.
    /// @dev Matching stops after `maxFills` resting orders, so the caller bounds the gas. If it
    /// stops there while the book would still cross `price`, the rest is cancelled (event
    /// OrderCancelled) instead of resting, so the book never crosses; so is a rest below the
    /// pair's `minLots`. `maxFills == 0` is a post-only order. Price improvement and fee dust
    /// are returned at the end of the call. Reverts DexOrderBelowMinimum below `minLots`.
    /// @param pairId The pair.
    /// @param isBuy True to buy base with quote, false to sell base for quote.
    /// @param price Limit price: quote atoms per lot.
    /// @param lots Size in lots; the order may be smaller if the token charged a transfer fee.
    /// @param maxFills The most resting orders this call may fill.
    /// @param hintPrice An existing price level on the order's side at or better than `price`,
    /// where the search for the new level's place starts; 0 starts from the best price. A
    /// wrong hint costs gas, never correctness; a hinted level emptied meanwhile costs about one
    /// storage read per level emptied, as the search resumes from the level that was better.
    /// @return orderId The order's id (also when it filled completely and never rested).
    /// @return filledLots Lots filled in this call.
    function placeOrder(
        uint24 pairId,
        bool isBuy,
        uint112 price,
        uint80 lots,
        uint256 maxFills,
        uint112 hintPrice
    ) external returns (uint64 orderId, uint80 filledLots);

    /// @notice Cancels the caller's open order and returns its escrow.
    function cancelOrder(uint64 orderId) external;

    /// @notice Sends the caller its credit of `token`: maker payouts the token refused when the
    /// caller's orders filled.
    /// @return amount The credit sent.
    function claimCredit(address token) external returns (uint256 amount);

    /// @notice `account`'s unclaimed credit of `token`.
    function creditOf(address account, address token) external view returns (uint256);

    /// @notice The pair with this id; reverts DexPairNotFound if none.
    function getPair(uint24 pairId) external view returns (Pair memory);

    /// @notice The id of the pair (`base`, `quote`, `lotSize`), or 0 if not listed.
    function pairIdOf(address base, address quote, uint96 lotSize) external view returns (uint24);

    /// @notice How many pairs are listed; ids run from 1 to this.
    function pairCount() external view returns (uint24);

    /// @notice The open order with this id; reverts DexOrderNotFound if none.
    function getOrder(uint64 orderId) external view returns (Order memory);

    /// @notice The id the next order will get; ids run from 1.
    function nextOrderId() external view returns (uint64);

    /// @notice The best bid and ask prices of a pair (0 for an empty side).
    function bestPrices(uint24 pairId) external view returns (uint112 bestBid, uint112 bestAsk);

    /// @notice One price level of one side (all zero if the level is empty).
    function getLevel(uint24 pairId, bool isBuy, uint112 price) external view returns (Level memory);

    /// @notice Up to `maxLevels` levels of one side from the best price, with their total lots
    /// and order counts. For off-chain readers: its gas grows with the orders it walks.
    function depth(uint24 pairId, bool isBuy, uint256 maxLevels)
        external
        view
        returns (uint112[] memory prices, uint256[] memory lots, uint256[] memory orders);
}
