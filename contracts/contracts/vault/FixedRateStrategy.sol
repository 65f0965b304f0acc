// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IStrategy} from "../interfaces/IStrategy.sol";
import {IYieldSource} from "../interfaces/IYieldSource.sol";
import {YieldMath} from "../libraries/YieldMath.sol";

/// @title FixedRateStrategy
/// @notice Holds a vault's assets and earns the yield source's fixed rate on them, simple
/// interest between harvests (so harvesting compounds).
/// @dev Holdings are booked in `_held`, not read from balanceOf: a donation to the strategy
/// neither earns yield nor moves the vault's share price, and accrual cannot be inflated.
/// Accrual is checkpointed before every change of `_held`, so each second earns on the
/// amount actually held during it.
contract FixedRateStrategy is IStrategy {
    using SafeERC20 for IERC20;

    IERC20 private immutable _asset;
    address private immutable _vault;
    IYieldSource private immutable _source;

    uint256 private _held;
    uint256 private _accrued;
    uint256 private _lastAccrual;

    constructor(IERC20 asset_, address vault_, IYieldSource source_) {
        _asset = asset_;
        _vault = vault_;
        _source = source_;
        _lastAccrual = block.timestamp;
    }

    modifier onlyVault() {
        if (msg.sender != _vault) revert StrategyCallerNotVault(msg.sender);
        _;
    }

    /// @notice The source this strategy's yield comes from.
    function source() external view returns (IYieldSource) {
        return _source;
    }

    /// @inheritdoc IStrategy
    function asset() external view returns (address) {
        return address(_asset);
    }

    /// @inheritdoc IStrategy
    function vault() external view returns (address) {
        return _vault;
    }

    /// @inheritdoc IStrategy
    function totalAssets() external view returns (uint256) {
        return _held;
    }

    /// @inheritdoc IStrategy
    function pendingYield() external view returns (uint256) {
        // A source that no longer pays this strategy would make harvest revert: nothing to collect.
        if (!_source.isBeneficiary(address(this))) return 0;
        uint256 earned = _accrued + YieldMath.accrued(_held, _source.rateBps(), block.timestamp - _lastAccrual);
        uint256 available = _source.available();
        return earned < available ? earned : available;
    }

    /// @inheritdoc IStrategy
    function deposit(uint256 assets) external onlyVault {
        _checkpoint();
        _held += assets;
        emit StrategyDeposited(assets, _held);
    }

    /// @inheritdoc IStrategy
    function withdraw(uint256 assets, address receiver) external onlyVault {
        _checkpoint();
        uint256 held = _held;
        if (assets > held) revert StrategyInsufficientAssets(assets, held);
        // unchecked: assets <= held, checked above.
        unchecked {
            _held = held - assets;
        }
        emit StrategyWithdrawn(receiver, assets, held - assets);
        _asset.safeTransfer(receiver, assets);
    }

    /// @inheritdoc IStrategy
    function harvest() external onlyVault returns (uint256 harvested) {
        _checkpoint();
        // An underfunded source pays what it has; the rest stays accrued for a later harvest.
        // Holdings grow by what arrived (a fee-charging asset delivers less than was paid).
        uint256 before = _asset.balanceOf(address(this));
        _accrued -= _source.pay(_accrued);
        harvested = _asset.balanceOf(address(this)) - before;
        _held += harvested;
        emit StrategyHarvested(harvested, _held);
    }

    function _checkpoint() private {
        _accrued += YieldMath.accrued(_held, _source.rateBps(), block.timestamp - _lastAccrual);
        _lastAccrual = block.timestamp;
    }
}
