// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IStrategy} from "../interfaces/IStrategy.sol";

/// @title LumpStrategy
/// @notice Test strategy whose profit arrives in lumps: it reports no accrued yield, and a
/// harvest books whatever it holds beyond its books (rewards sold into the asset, say) as gain.
contract LumpStrategy is IStrategy {
    using SafeERC20 for IERC20;

    IERC20 private immutable _asset;
    address private immutable _vault;
    uint256 private _held;

    constructor(IERC20 asset_, address vault_) {
        _asset = asset_;
        _vault = vault_;
    }

    modifier onlyVault() {
        if (msg.sender != _vault) revert StrategyCallerNotVault(msg.sender);
        _;
    }

    function asset() external view returns (address) {
        return address(_asset);
    }

    function vault() external view returns (address) {
        return _vault;
    }

    function totalAssets() external view returns (uint256) {
        return _held;
    }

    function pendingYield() external pure returns (uint256) {
        return 0;
    }

    function deposit(uint256 assets) external onlyVault {
        _held += assets;
        emit StrategyDeposited(assets, _held);
    }

    function withdraw(uint256 assets, address receiver) external onlyVault {
        if (assets > _held) revert StrategyInsufficientAssets(assets, _held);
        _held -= assets;
        emit StrategyWithdrawn(receiver, assets, _held);
        _asset.safeTransfer(receiver, assets);
    }

    function harvest() external onlyVault returns (uint256 harvested) {
        harvested = _asset.balanceOf(address(this)) - _held;
        _held += harvested;
        emit StrategyHarvested(harvested, _held);
    }
}
