// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BasisPoints} from "../libraries/BasisPoints.sol";

/// @dev Exposes the internal library functions to tests.
contract BasisPointsHarness {
    function mulBpsDown(uint256 amount, uint256 bps) external pure returns (uint256) {
        return BasisPoints.mulBpsDown(amount, bps);
    }

    function mulBpsUp(uint256 amount, uint256 bps) external pure returns (uint256) {
        return BasisPoints.mulBpsUp(amount, bps);
    }

    function split(uint256 amount, uint256 bps) external pure returns (uint256 fee, uint256 rest) {
        return BasisPoints.split(amount, bps);
    }
}
