// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IOrderBookDEX} from "../interfaces/IOrderBookDEX.sol";
import {OrderMath} from "../libraries/OrderMath.sol";

/// @title OrderBookDEX
/// @notice Limit order books for ERC-20 pairs; see {IOrderBookDEX} for units and escrow.
/// @dev Each side of a book is a doubly linked list of price levels from the best price, and
/// each level a doubly linked FIFO of orders: matching takes the head of the best level (price,
/// then time), and cancel unlinks in O(1). Every state-changing entry point is nonReentrant
/// (transient-storage guard); placing pulls the escrow before it touches the book, and every
/// payout follows the book update it pays for, so a token's hook can neither re-enter nor
/// observe a half-updated book.
///
/// Fee-on-transfer tokens are handled by balance-delta accounting rather than by requiring the
/// DEX to be fee-exempt: an exemption is a per-token admin action the DEX cannot enforce, and a
/// DEX that trusted the nominal amount would owe more than it holds the first time a token
/// charged a fee. Measuring what arrived keeps escrow exact for every token; an exempt DEX simply
/// sees the full amount arrive.
contract OrderBookDEX is IOrderBookDEX, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    struct Book {
        uint112 bestBid;
        uint112 bestAsk;
        mapping(uint112 price => Level) bids;
        mapping(uint112 price => Level) asks;
    }

    /// @dev The incoming order while it matches.
    struct Taker {
        uint24 pairId;
        uint64 orderId;
        bool isBuy;
        uint112 limit;
        uint80 lots; // after the transfer fee, if any
        uint256 maxFills;
        uint256 unit; // escrow atoms per lot
        uint256 received; // escrow atoms that arrived
    }

    /// @dev What one call's matching did, summed over its fills.
    struct MatchResult {
        uint80 filled;
        uint256 escrowSpent; // taker's escrow token paid to makers
        uint256 proceeds; // the other token owed to the taker
    }

    Pair[] private _pairs;
    mapping(bytes32 key => uint24 pairId) private _pairIds;
    mapping(uint24 pairId => Book) private _books;
    mapping(uint64 orderId => Order) private _orders;
    uint64 private _nextOrderId = 1;
    mapping(address account => mapping(address token => uint256)) private _credits;

    /// @inheritdoc IOrderBookDEX
    function createPair(address base, address quote, uint96 lotSize, uint80 minLots)
        external
        nonReentrant
        returns (uint24 pairId)
    {
        if (base == quote || base == address(0) || quote == address(0)) revert DexInvalidPair(base, quote);
        if (lotSize == 0) revert DexZeroLotSize();
        if (minLots == 0) revert DexZeroLots();
        bytes32 key = keccak256(abi.encode(base, quote, lotSize));
        uint24 existing = _pairIds[key];
        if (existing != 0) revert DexPairExists(existing);
        _pairs.push(Pair({base: base, lotSize: lotSize, quote: quote, minLots: minLots}));
        pairId = SafeCast.toUint24(_pairs.length);
        _pairIds[key] = pairId;
        emit PairCreated(pairId, base, quote, lotSize, minLots);
    }

    /// @inheritdoc IOrderBookDEX
    function placeOrder(
        uint24 pairId,
        bool isBuy,
        uint112 price,
        uint80 lots,
        uint256 maxFills,
        uint112 hintPrice
    ) external nonReentrant returns (uint64 orderId, uint80 filledLots) {
        Pair memory pair = _pair(pairId);
        if (price == 0) revert DexZeroPrice();
        if (lots == 0) revert DexZeroLots();
        Taker memory taker = Taker({
            pairId: pairId,
            orderId: 0,
            isBuy: isBuy,
            limit: price,
            lots: 0,
            maxFills: maxFills,
            unit: OrderMath.unitOf(isBuy, price, pair.lotSize),
            received: 0
        });
        taker.received = _pull(IERC20(isBuy ? pair.quote : pair.base), lots * taker.unit);
        taker.lots = uint80(OrderMath.lotsCovered(taker.received, taker.unit, lots)); // <= lots: fits
        if (taker.lots == 0) revert DexOrderTooSmall(taker.received, taker.unit);
        if (taker.lots < pair.minLots) revert DexOrderBelowMinimum(taker.lots, pair.minLots);
        taker.orderId = _nextOrderId++;
        emit OrderPlaced(taker.orderId, pairId, msg.sender, isBuy, price, taker.lots);
        return (taker.orderId, _fillAndRest(pair, taker, hintPrice));
    }

    /// @dev Matches the escrowed taker order, rests or cancels what is left, then pays the taker
    /// its proceeds and refunds the escrow it no longer needs.
    function _fillAndRest(Pair memory pair, Taker memory taker, uint112 hintPrice) private returns (uint80) {
        Book storage book = _books[taker.pairId];
        MatchResult memory result = _match(book, pair, taker);
        uint80 rest = taker.lots - result.filled;
        if (rest > 0) {
            if (rest < pair.minLots || _crossesBook(book, taker.isBuy, taker.limit)) {
                // Dust below the minimum never rests; and when the fill limit stopped matching
                // against a book that still crosses, resting would cross the book. Either way
                // the rest is cancelled and refunded below.
                emit OrderCancelled(taker.orderId, msg.sender, rest);
                rest = 0;
            } else {
                _orders[taker.orderId] = Order({
                    maker: msg.sender,
                    next: 0,
                    pairId: taker.pairId,
                    isBuy: taker.isBuy,
                    price: taker.limit,
                    lots: rest,
                    prev: 0
                });
                _enqueue(book, taker.orderId, taker.isBuy, taker.limit, hintPrice);
            }
        }

        // What arrived, less what was paid to makers, less what the resting rest must hold: the
        // price improvement, the cancelled rest and the fee dust below one lot. Never negative:
        // a taker pays at most its own limit for each filled lot.
        uint256 refund = taker.received - result.escrowSpent - uint256(rest) * taker.unit;
        if (refund > 0) IERC20(taker.isBuy ? pair.quote : pair.base).safeTransfer(msg.sender, refund);
        if (result.proceeds > 0) {
            IERC20(taker.isBuy ? pair.base : pair.quote).safeTransfer(msg.sender, result.proceeds);
        }
        return result.filled;
    }

    /// @inheritdoc IOrderBookDEX
    function cancelOrder(uint64 orderId) external nonReentrant {
        Order memory order = _orders[orderId];
        if (order.maker == address(0)) revert DexOrderNotFound(orderId);
        if (order.maker != msg.sender) revert DexNotOrderMaker(orderId, msg.sender);
        Pair memory pair = _pairs[order.pairId - 1];
        _unlink(_books[order.pairId], orderId, order);
        emit OrderCancelled(orderId, order.maker, order.lots);
        uint256 refund = uint256(order.lots) * OrderMath.unitOf(order.isBuy, order.price, pair.lotSize);
        IERC20(order.isBuy ? pair.quote : pair.base).safeTransfer(order.maker, refund);
    }

    /// @inheritdoc IOrderBookDEX
    function claimCredit(address token) external nonReentrant returns (uint256 amount) {
        amount = _credits[msg.sender][token];
        if (amount == 0) revert DexNothingToClaim(msg.sender, token);
        _credits[msg.sender][token] = 0;
        emit CreditClaimed(msg.sender, token, amount);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IOrderBookDEX
    function creditOf(address account, address token) external view returns (uint256) {
        return _credits[account][token];
    }

    /// @inheritdoc IOrderBookDEX
    function getPair(uint24 pairId) external view returns (Pair memory) {
        return _pair(pairId);
    }

    /// @inheritdoc IOrderBookDEX
    function pairIdOf(address base, address quote, uint96 lotSize) external view returns (uint24) {
        return _pairIds[keccak256(abi.encode(base, quote, lotSize))];
    }

    /// @inheritdoc IOrderBookDEX
    function pairCount() external view returns (uint24) {
        return uint24(_pairs.length); // createPair's SafeCast keeps it within uint24
    }

    /// @inheritdoc IOrderBookDEX
    function getOrder(uint64 orderId) external view returns (Order memory order) {
        order = _orders[orderId];
        if (order.maker == address(0)) revert DexOrderNotFound(orderId);
    }

    /// @inheritdoc IOrderBookDEX
    function nextOrderId() external view returns (uint64) {
        return _nextOrderId;
    }

    /// @inheritdoc IOrderBookDEX
    function bestPrices(uint24 pairId) external view returns (uint112 bestBid, uint112 bestAsk) {
        _pair(pairId);
        Book storage book = _books[pairId];
        return (book.bestBid, book.bestAsk);
    }

    /// @inheritdoc IOrderBookDEX
    function getLevel(uint24 pairId, bool isBuy, uint112 price) external view returns (Level memory level) {
        _pair(pairId);
        level = _levels(_books[pairId], isBuy)[price];
        if (level.head == 0) delete level; // an emptied level keeps a search pointer only
    }

    /// @inheritdoc IOrderBookDEX
    function depth(uint24 pairId, bool isBuy, uint256 maxLevels)
        external
        view
        returns (uint112[] memory prices, uint256[] memory lots, uint256[] memory orders)
    {
        _pair(pairId);
        Book storage book = _books[pairId];
        mapping(uint112 => Level) storage levels = _levels(book, isBuy);
        prices = new uint112[](maxLevels);
        lots = new uint256[](maxLevels);
        orders = new uint256[](maxLevels);
        uint256 count;
        for (uint112 price = isBuy ? book.bestBid : book.bestAsk; price != 0 && count < maxLevels; count++) {
            prices[count] = price;
            for (uint64 id = levels[price].head; id != 0; id = _orders[id].next) {
                lots[count] += _orders[id].lots;
                orders[count]++;
            }
            price = levels[price].worse;
        }
        // Shrink the arrays to the levels found.
        assembly ("memory-safe") {
            mstore(prices, count)
            mstore(lots, count)
            mstore(orders, count)
        }
    }

    /// @dev Fills the taker order against the opposite side, best price first and oldest first
    /// within a price, at each resting order's own price, until it is filled, the book no longer
    /// crosses its limit, or `maxFills` resting orders were filled. Makers are paid as their
    /// orders fill; the taker's proceeds are summed and paid once by the caller.
    function _match(Book storage book, Pair memory pair, Taker memory taker)
        private
        returns (MatchResult memory result)
    {
        IERC20 makerProceedsToken = IERC20(taker.isBuy ? pair.quote : pair.base);
        for (uint256 fills; fills < taker.maxFills && result.filled < taker.lots; fills++) {
            uint112 best = taker.isBuy ? book.bestAsk : book.bestBid;
            if (best == 0 || !OrderMath.crosses(taker.isBuy, best, taker.limit)) break;
            (address maker, uint80 fill, uint80 remnant) = _fillHead(book, pair, taker, best, taker.lots - result.filled);
            uint256 baseAmount = uint256(fill) * pair.lotSize;
            uint256 quoteAmount = uint256(fill) * best;
            // unchecked: result.filled + fill <= taker.lots, a uint80, by _fillHead's choice of fill.
            unchecked {
                result.filled += fill;
            }
            result.escrowSpent += taker.isBuy ? quoteAmount : baseAmount;
            result.proceeds += taker.isBuy ? baseAmount : quoteAmount;
            _payMaker(makerProceedsToken, maker, taker.isBuy ? quoteAmount : baseAmount);
            if (remnant > 0) {
                // The maker's escrow for a remainder below the minimum, cancelled by _fillHead.
                _payMaker(
                    IERC20(taker.isBuy ? pair.base : pair.quote),
                    maker,
                    uint256(remnant) * OrderMath.unitOf(!taker.isBuy, best, pair.lotSize)
                );
            }
        }
    }

    /// @dev A maker the token will not pay (blocklisted, say) must not freeze the book behind its
    /// order, which price-time priority would otherwise make unpassable: the payout is kept as
    /// the maker's credit instead.
    function _payMaker(IERC20 token, address maker, uint256 amount) private {
        if (!token.trySafeTransfer(maker, amount)) {
            _credits[maker][address(token)] += amount;
            emit PayoutDeferred(maker, address(token), amount);
        }
    }

    /// @dev Fills up to `wanted` lots of the oldest order at `price` (the best opposite level),
    /// removing it once it is filled, and reports the fill. A remainder below the pair's minimum
    /// is removed too and reported as `remnant`, whose escrow the caller returns to the maker.
    function _fillHead(Book storage book, Pair memory pair, Taker memory taker, uint112 price, uint80 wanted)
        private
        returns (address maker, uint80 fill, uint80 remnant)
    {
        uint64 makerOrderId = _levels(book, !taker.isBuy)[price].head;
        Order storage order = _orders[makerOrderId];
        maker = order.maker;
        uint80 available = order.lots;
        fill = wanted < available ? wanted : available;
        uint80 left;
        // unchecked: fill <= available by its choice above.
        unchecked {
            left = available - fill;
        }
        if (left == 0 || left < pair.minLots) {
            _unlink(book, makerOrderId, order);
            remnant = left;
        } else {
            order.lots = left;
        }
        emit OrderFilled(
            taker.pairId,
            makerOrderId,
            taker.orderId,
            maker,
            msg.sender,
            taker.isBuy,
            price,
            fill,
            uint256(fill) * pair.lotSize,
            uint256(fill) * price
        );
        if (remnant > 0) emit OrderCancelled(makerOrderId, maker, remnant);
    }

    /// @dev Appends the order to its price level, creating the level in sorted position if new.
    function _enqueue(Book storage book, uint64 orderId, bool isBuy, uint112 price, uint112 hintPrice) private {
        mapping(uint112 => Level) storage levels = _levels(book, isBuy);
        Level storage level = levels[price];
        if (level.head == 0) {
            _insertLevel(book, levels, isBuy, price, hintPrice);
            level.head = orderId;
        } else {
            _orders[level.tail].next = orderId;
            _orders[orderId].prev = level.tail;
        }
        level.tail = orderId;
    }

    /// @dev Links a new level between the last level better than `price` and the first worse
    /// one. The walk starts at the hint when it is a level better than `price`, otherwise at
    /// the best price; its gas is paid by the order's own maker only. A hinted level emptied
    /// since the maker chose it (a front-run cancel, say) still holds the price that was better
    /// than it when it emptied (see _unlink); those pointers lead, each strictly better, to a
    /// live level better than `price`, so a stale hint costs one read per emptied level
    /// instead of a walk from the best price.
    function _insertLevel(
        Book storage book,
        mapping(uint112 => Level) storage levels,
        bool isBuy,
        uint112 price,
        uint112 hintPrice
    ) private {
        uint112 better;
        uint112 worse = isBuy ? book.bestBid : book.bestAsk;
        if (hintPrice != 0 && OrderMath.isBetter(isBuy, hintPrice, price)) {
            uint112 start = hintPrice;
            while (start != 0 && levels[start].head == 0) start = levels[start].better;
            if (start != 0) {
                better = start;
                worse = levels[start].worse;
            }
        }
        while (worse != 0 && OrderMath.isBetter(isBuy, worse, price)) {
            better = worse;
            worse = levels[worse].worse;
        }
        Level storage level = levels[price];
        level.better = better;
        level.worse = worse;
        if (better == 0) _setBest(book, isBuy, price);
        else levels[better].worse = price;
        if (worse != 0) levels[worse].better = price;
    }

    /// @dev Removes an open order from its level (and the level from its side when it empties)
    /// and deletes it, so it can never fill or be cancelled again.
    function _unlink(Book storage book, uint64 orderId, Order memory order) private {
        mapping(uint112 => Level) storage levels = _levels(book, order.isBuy);
        Level storage level = levels[order.price];
        if (order.prev == 0) level.head = order.next;
        else _orders[order.prev].next = order.next;
        if (order.next == 0) level.tail = order.prev;
        else _orders[order.next].prev = order.prev;
        if (level.head == 0) {
            uint112 better = level.better;
            uint112 worse = level.worse;
            if (better == 0) _setBest(book, order.isBuy, worse);
            else levels[better].worse = worse;
            if (worse != 0) levels[worse].better = better;
            // Only `worse` is cleared: `better` stays as a pointer for a stale hint (see
            // _insertLevel), and an emptied level is told apart by `head == 0`.
            level.worse = 0;
        }
        delete _orders[orderId];
    }

    function _setBest(Book storage book, bool isBuy, uint112 price) private {
        if (isBuy) book.bestBid = price;
        else book.bestAsk = price;
    }

    function _crossesBook(Book storage book, bool isBuy, uint112 price) private view returns (bool) {
        uint112 best = isBuy ? book.bestAsk : book.bestBid;
        return best != 0 && OrderMath.crosses(isBuy, best, price);
    }

    function _levels(Book storage book, bool isBuy) private view returns (mapping(uint112 => Level) storage) {
        return isBuy ? book.bids : book.asks;
    }

    function _pair(uint24 pairId) private view returns (Pair memory) {
        if (pairId == 0 || pairId > _pairs.length) revert DexPairNotFound(pairId);
        return _pairs[pairId - 1];
    }

    /// @dev Pulls `amount` from the caller and returns what this contract's balance actually
    /// grew by: less than `amount` when the token charged a transfer fee.
    function _pull(IERC20 token, uint256 amount) private returns (uint256 received) {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        received = token.balanceOf(address(this)) - before;
    }
}
