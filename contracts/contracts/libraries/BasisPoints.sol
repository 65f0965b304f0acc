// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title BasisPoints
/// @notice Fee and share arithmetic in basis points (1 bp = 0.01%), shared by the token fee,
/// the exchange's fees and the vault's performance fee.
library BasisPoints {
    /// @notice 100% in basis points.
    uint256 internal constant MAX_BPS = 10_000;

    /// @notice A rate above 100% was given.
    /// @param bps The rate that was given.
    error BasisPointsOutOfRange(uint256 bps);

    /// @notice `amount * bps / 10_000`, rounded down: a fee never takes more than its rate.
    /// @dev Reverts on a rate above 100%. Full-precision product (Math.mulDiv): no amount
    /// overflows, so a caller's own checks (a balance, say) decide how an absurd amount fails.
    function mulBpsDown(uint256 amount, uint256 bps) internal pure returns (uint256) {
        if (bps > MAX_BPS) revert BasisPointsOutOfRange(bps);
        return Math.mulDiv(amount, bps, MAX_BPS);
    }

    /// @notice `amount * bps / 10_000`, rounded up: for amounts the protocol must not undercharge.
    function mulBpsUp(uint256 amount, uint256 bps) internal pure returns (uint256) {
        if (bps > MAX_BPS) revert BasisPointsOutOfRange(bps);
        return Math.mulDiv(amount, bps, MAX_BPS, Math.Rounding.Ceil);
    }

    /// @notice Splits `amount` into the fee at `bps` (rounded down) and the rest; the two add up
    /// to `amount` exactly, so no wei is created or lost.
    function split(uint256 amount, uint256 bps) internal pure returns (uint256 fee, uint256 rest) {
        fee = mulBpsDown(amount, bps);
        // unchecked: fee <= amount because bps <= MAX_BPS.
        unchecked {
            rest = amount - fee;
        }
    }
}
