// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IYieldSource} from "../interfaces/IYieldSource.sol";

/// @title FixedRateYieldSource
/// @notice A funded reservoir that pays the demo strategy its fixed-rate yield. It stands in
/// for a lending market: deterministic, so tests and the demo can predict every harvest.
contract FixedRateYieldSource is IYieldSource, Ownable {
    using SafeERC20 for IERC20;

    IERC20 private immutable _asset;
    uint256 private immutable _rateBps;
    mapping(address account => bool) private _beneficiaries;

    constructor(IERC20 asset_, uint256 rateBps_, address owner_) Ownable(owner_) {
        _asset = asset_;
        _rateBps = rateBps_;
    }

    /// @inheritdoc IYieldSource
    function asset() external view returns (address) {
        return address(_asset);
    }

    /// @inheritdoc IYieldSource
    function rateBps() external view returns (uint256) {
        return _rateBps;
    }

    /// @inheritdoc IYieldSource
    function available() public view returns (uint256) {
        return _asset.balanceOf(address(this));
    }

    /// @inheritdoc IYieldSource
    function isBeneficiary(address account) external view returns (bool) {
        return _beneficiaries[account];
    }

    /// @inheritdoc IYieldSource
    function setBeneficiary(address beneficiary, bool allowed) external onlyOwner {
        _beneficiaries[beneficiary] = allowed;
        emit YieldBeneficiarySet(beneficiary, allowed);
    }

    /// @inheritdoc IYieldSource
    function pay(uint256 amount) external returns (uint256 paid) {
        if (!_beneficiaries[msg.sender]) revert YieldSourceNotBeneficiary(msg.sender);
        uint256 balance = available();
        paid = amount < balance ? amount : balance;
        if (paid > 0) {
            _asset.safeTransfer(msg.sender, paid);
            emit YieldPaid(msg.sender, paid);
        }
    }
}
