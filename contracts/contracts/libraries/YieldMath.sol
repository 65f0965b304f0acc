// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title YieldMath
/// @notice Simple-interest accrual at a rate in basis points per 365-day year.
library YieldMath {
    uint256 internal constant YEAR = 365 days;
    uint256 internal constant BPS = 10_000;

    /// @notice Interest on `principal` at `rateBps` per year over `elapsed` seconds, rounded
    /// down: a strategy never books more yield than it earned.
    function accrued(uint256 principal, uint256 rateBps, uint256 elapsed) internal pure returns (uint256) {
        return Math.mulDiv(principal, rateBps * elapsed, BPS * YEAR);
    }

    /// @notice What remains locked of `locked` profit `elapsed` seconds into a linear release
    /// over `period` seconds, rounded up: profit never counts as released before it is.
    function stillLocked(uint256 locked, uint256 elapsed, uint256 period) internal pure returns (uint256) {
        if (elapsed >= period) return 0;
        // unchecked: elapsed < period here.
        unchecked {
            return Math.mulDiv(locked, period - elapsed, period, Math.Rounding.Ceil);
        }
    }
}
