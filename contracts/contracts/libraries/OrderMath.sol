// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title OrderMath
/// @notice Escrow arithmetic of the order book. A lot of base is `lotSize` atoms and a price is
/// quote atoms per lot, so every amount is a product of integers and matching never rounds.
library OrderMath {
    /// @notice Escrow atoms one lot of an order needs: its price for a buy (paid in quote), the
    /// lot size for a sell (paid in base).
    function unitOf(bool isBuy, uint256 price, uint256 lotSize) internal pure returns (uint256) {
        return isBuy ? price : lotSize;
    }

    /// @notice Whole lots an escrow of `received` atoms covers at `unit` atoms per lot, capped at
    /// the `asked` lots. Rounds down: an order never promises more than its escrow pays for.
    function lotsCovered(uint256 received, uint256 unit, uint256 asked) internal pure returns (uint256) {
        uint256 covered = received / unit;
        return covered < asked ? covered : asked;
    }

    /// @notice Whether a resting price `resting` is at or better than a taker's limit `limit`:
    /// a buyer takes asks at or below its limit, a seller takes bids at or above it.
    function crosses(bool takerIsBuy, uint256 resting, uint256 limit) internal pure returns (bool) {
        return takerIsBuy ? resting <= limit : resting >= limit;
    }

    /// @notice Whether price `a` ranks strictly ahead of `b` on a side: higher for bids, lower
    /// for asks.
    function isBetter(bool isBuy, uint256 a, uint256 b) internal pure returns (bool) {
        return isBuy ? a > b : a < b;
    }
}
