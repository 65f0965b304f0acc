// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IStrategy} from "../interfaces/IStrategy.sol";
import {IStrategyVault} from "../interfaces/IStrategyVault.sol";
import {BasisPoints} from "../libraries/BasisPoints.sol";
import {YieldMath} from "../libraries/YieldMath.sol";

/// @title StrategyVault
/// @notice ERC-4626 vault whose assets sit in a strategy; see {IStrategyVault}.
/// @dev Rounding is OpenZeppelin's ERC-4626, as the standard asks: in the vault's favour
/// (shares issued and assets paid round down; shares burnt and assets charged round up). The
/// inflation ("donation") attack is met by OpenZeppelin's virtual shares and assets with a
/// decimals offset of {DECIMALS_OFFSET}: shares carry 6 more decimals than the asset, so an
/// attacker must donate about 10^6 times what they hope to steal, and loses most of it.
///
/// Yield a strategy accrues continuously is counted in `totalAssets` as it accrues (net of the
/// performance fee that harvest will charge), so a newcomer buys shares at a price that already
/// contains it and takes no part of yield earned before they joined. Profit a harvest brings
/// beyond that (a lump) is locked and released linearly over `profitUnlockTime` (as Yearn v3
/// does): it would otherwise lift the share price in one step that anyone could capture by
/// depositing just before `harvest` and withdrawing just after.
///
/// A fee-charging asset is refused rather than credited by balance delta: every deposit must
/// arrive in full (`VaultTransferFeeCharged`), so the vault and its strategy must be exempt from
/// the asset's transfer fee (the deployment does it). ERC-4626 previews are then exact.
contract StrategyVault is IStrategyVault, ERC4626, Ownable2Step {
    using SafeERC20 for IERC20;

    /// @notice Shares have this many more decimals than the asset (inflation-attack defence).
    uint8 public constant DECIMALS_OFFSET = 6;
    /// @inheritdoc IStrategyVault
    uint256 public constant MAX_PERFORMANCE_FEE_BPS = 2_000;
    /// @inheritdoc IStrategyVault
    uint256 public constant MAX_PROFIT_UNLOCK_TIME = 365 days;
    /// @inheritdoc IStrategyVault
    uint256 public constant MIN_PROFIT_UNLOCK_TIME = 1 hours;

    IStrategy private _strategy;
    uint256 private _performanceFeeBps;
    address private _treasury;
    mapping(address owner => uint256) private _principal;
    uint256 private _lockedProfit; // as of _lockedAt, released linearly until _unlockEnd
    uint64 private _lockedAt;
    uint64 private _unlockEnd;
    uint64 private _profitUnlockTime;

    constructor(
        IERC20 asset_,
        string memory name_,
        string memory symbol_,
        address owner_,
        address treasury_,
        uint256 performanceFeeBps_,
        uint256 profitUnlockTime_
    ) ERC20(name_, symbol_) ERC4626(asset_) Ownable(owner_) {
        _setTreasury(treasury_);
        _setPerformanceFee(performanceFeeBps_);
        _setProfitUnlockTime(profitUnlockTime_);
    }

    /// @inheritdoc IStrategyVault
    function strategy() external view returns (IStrategy) {
        return _strategy;
    }

    /// @inheritdoc IStrategyVault
    function performanceFeeBps() external view returns (uint256) {
        return _performanceFeeBps;
    }

    /// @inheritdoc IStrategyVault
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IStrategyVault
    function profitUnlockTime() external view returns (uint256) {
        return _profitUnlockTime;
    }

    /// @inheritdoc IStrategyVault
    function lockedProfit() public view returns (uint256) {
        uint256 lockedAt = _lockedAt;
        return YieldMath.stillLocked(_lockedProfit, block.timestamp - lockedAt, _unlockEnd - lockedAt);
    }

    /// @inheritdoc IStrategyVault
    function fullProfitUnlockDate() external view returns (uint256) {
        return _unlockEnd;
    }

    /// @inheritdoc IStrategyVault
    function principalOf(address owner) external view returns (uint256) {
        return _principal[owner];
    }

    /// @inheritdoc IStrategyVault
    function claimableYield(address owner) public view returns (uint256) {
        uint256 value = previewRedeem(balanceOf(owner));
        uint256 principal = _principal[owner];
        return value > principal ? value - principal : 0;
    }

    /// @notice Idle assets in the vault, plus what the strategy holds, plus the yield it has
    /// accrued net of the performance fee harvest will charge on it, less the profit still
    /// locked.
    function totalAssets() public view override(ERC4626, IERC4626) returns (uint256) {
        uint256 held = _grossAssets(_strategy);
        uint256 locked = lockedProfit();
        // Holders can only ever take held - locked, so locked <= held; saturate regardless.
        return held > locked ? held - locked : 0;
    }

    /// @notice Zero while the asset is paused (EIP-4626: max* must reflect a temporary
    /// disablement), otherwise unlimited.
    function maxDeposit(address receiver) public view override(ERC4626, IERC4626) returns (uint256) {
        return _assetPaused() ? 0 : super.maxDeposit(receiver);
    }

    /// @notice Zero while the asset is paused, otherwise unlimited.
    function maxMint(address receiver) public view override(ERC4626, IERC4626) returns (uint256) {
        return _assetPaused() ? 0 : super.maxMint(receiver);
    }

    /// @notice Zero while the asset is paused, otherwise the value of `owner`'s shares.
    function maxWithdraw(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        return _assetPaused() ? 0 : super.maxWithdraw(owner);
    }

    /// @notice Zero while the asset is paused, otherwise `owner`'s shares.
    function maxRedeem(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        return _assetPaused() ? 0 : super.maxRedeem(owner);
    }

    /// @inheritdoc IStrategyVault
    function harvest() external returns (uint256 gain) {
        IStrategy current = _strategy;
        if (address(current) == address(0)) revert VaultNoStrategy();
        uint256 before = totalAssets();
        gain = current.harvest();
        _realise(current, before, gain);
    }

    /// @inheritdoc IStrategyVault
    function claimYield(address receiver) external returns (uint256 assets) {
        address owner = _msgSender();
        assets = claimableYield(owner);
        if (assets == 0) revert VaultNoYield(owner);
        // Rounded up as for any withdrawal; still within the owner's balance since
        // assets <= floor(balance * totalAssets / supply).
        uint256 shares = previewWithdraw(assets);
        uint256 principal = _principal[owner];
        _withdraw(owner, receiver, owner, assets, shares);
        // _withdraw moves principal out pro rata; taking yield leaves it whole.
        _principal[owner] = principal;
        emit VaultYieldClaimed(owner, receiver, assets, shares);
    }

    /// @inheritdoc IStrategyVault
    function setStrategy(IStrategy newStrategy) external onlyOwner {
        if (address(newStrategy) == address(0)) revert VaultZeroAddress();
        if (newStrategy.asset() != asset() || newStrategy.vault() != address(this)) {
            revert VaultStrategyMismatch(address(newStrategy));
        }
        IStrategy previous = _strategy;
        // Realise what the old strategy accrued, or it would be stranded there (only this vault
        // may harvest it).
        _tryHarvest(previous);
        _strategy = newStrategy;
        emit VaultStrategySet(address(previous), address(newStrategy));
        if (address(previous) != address(0)) {
            uint256 held = previous.totalAssets();
            if (held > 0) previous.withdraw(held, address(this));
        }
        IERC20 token = IERC20(asset());
        uint256 idle = token.balanceOf(address(this));
        if (idle > 0) {
            _sendInFull(token, address(this), address(newStrategy), idle);
            newStrategy.deposit(idle);
        }
    }

    /// @inheritdoc IStrategyVault
    function setPerformanceFee(uint256 bps) external onlyOwner {
        // Accrued yield is valued net of the current fee: realise it at that fee first, or the
        // change would move the share price in one step that a watcher could sandwich.
        _tryHarvest(_strategy);
        _setPerformanceFee(bps);
    }

    /// @inheritdoc IStrategyVault
    function setProfitUnlockTime(uint256 seconds_) external onlyOwner {
        _setProfitUnlockTime(seconds_);
    }

    /// @inheritdoc IStrategyVault
    function setTreasury(address newTreasury) external onlyOwner {
        _setTreasury(newTreasury);
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return DECIMALS_OFFSET;
    }

    /// @dev Deposits go straight from the depositor to the strategy: one transfer, no idle cash.
    /// The shares were priced on `assets`, so all of it must arrive (see the contract's notes).
    function _transferIn(address from, uint256 assets) internal override {
        IStrategy current = _strategy;
        address to = address(current) == address(0) ? address(this) : address(current);
        _sendInFull(IERC20(asset()), from, to, assets);
        if (to != address(this)) current.deposit(assets);
    }

    /// @dev Pays from idle assets first (donations, a strategy-less period), then the strategy.
    /// Accrued yield is part of what holders own, so when the strategy's holdings fall short of
    /// a payment (the last holders leaving) it is harvested first; shares are already burnt and
    /// the harvest adds no lump, so nobody's share price moves.
    function _transferOut(address to, uint256 assets) internal override {
        uint256 idle = IERC20(asset()).balanceOf(address(this));
        uint256 fromIdle = idle < assets ? idle : assets;
        if (fromIdle > 0) super._transferOut(to, fromIdle);
        if (assets > fromIdle) {
            IStrategy current = _strategy;
            uint256 fromStrategy = assets - fromIdle;
            if (fromStrategy > current.totalAssets()) {
                uint256 before = totalAssets();
                _realise(current, before, current.harvest());
            }
            current.withdraw(fromStrategy, to);
        }
    }

    /// @dev Principal follows the assets paid in.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        super._deposit(caller, receiver, assets, shares);
        _principal[receiver] += assets;
    }

    /// @dev Principal leaves pro rata to the shares burnt, rounded down so a partial
    /// withdrawal never overstates the yield left (a full one takes all of it).
    /// Nothing moves for zero shares (an owner without shares may redeem 0).
    function _withdraw(address caller, address receiver, address owner, uint256 assets, uint256 shares)
        internal
        override
    {
        // ERC4626 checked shares <= maxRedeem(owner) <= balanceOf(owner), so the division is
        // by a positive balance whenever shares > 0.
        if (shares > 0) {
            uint256 principal = _principal[owner];
            _principal[owner] = principal - Math.mulDiv(principal, shares, balanceOf(owner));
        }
        super._withdraw(caller, receiver, owner, assets, shares);
    }

    /// @dev A share transfer carries its part of the sender's principal (rounded down, the
    /// remainder staying with the sender), so the sum of principals is conserved and the
    /// receiver cannot claim the transferred principal as yield. A transfer above the balance
    /// moves no principal and is refused by ERC20 with ERC20InsufficientBalance.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0) && value > 0) {
            uint256 balance = balanceOf(from);
            if (value <= balance) {
                uint256 moved = Math.mulDiv(_principal[from], value, balance);
                _principal[from] -= moved;
                _principal[to] += moved;
            }
        }
        super._update(from, to, value);
    }

    /// @dev Harvests `current` before an administrative change. A strategy whose harvest fails
    /// must still be replaceable and the fee settable, so a failure only forgoes that yield.
    function _tryHarvest(IStrategy current) private {
        if (address(current) == address(0)) return;
        uint256 before = totalAssets();
        try current.harvest() returns (uint256 gain) {
            _realise(current, before, gain);
        } catch {}
    }

    /// @dev Books a harvest of `gain` that `current` just collected, `before` being
    /// totalAssets() just before it. The fee (rounded down: never more than its rate of the
    /// gain) goes to the treasury. Accrued yield was already in `before`, net of that fee; what
    /// the harvest brought beyond it is a lump, locked so the share price does not move at this
    /// block. Locked before the fee leaves, so no token hook during that transfer sees the lump.
    function _realise(IStrategy current, uint256 before, uint256 gain) private {
        uint256 fee = BasisPoints.mulBpsDown(gain, _performanceFeeBps);
        uint256 stillLocked = lockedProfit();
        uint256 gross = _grossAssets(current) - fee;
        uint256 unlocked = gross > stillLocked ? gross - stillLocked : 0;
        if (unlocked > before) _lock(stillLocked, unlocked - before);
        emit VaultHarvested(gain, fee, lockedProfit());
        if (fee > 0) current.withdraw(fee, _treasury);
    }

    /// @dev Adds `lump` to the `stillLocked` profit. The new end of the release is the average
    /// of the old remaining time and a full unlock time, weighted by amount (rounded up: never
    /// sooner), so profit already locked is not held back by a small harvest and a large one
    /// cannot be released faster than the unlock time allows.
    function _lock(uint256 stillLocked, uint256 lump) private {
        uint256 end = _unlockEnd;
        uint256 remaining = end > block.timestamp ? end - block.timestamp : 0;
        uint256 total = stillLocked + lump;
        uint256 duration = Math.ceilDiv(stillLocked * remaining + lump * _profitUnlockTime, total);
        _lockedProfit = total;
        _lockedAt = uint64(block.timestamp);
        _unlockEnd = uint64(block.timestamp + duration);
    }

    /// @dev Idle assets plus the strategy's holdings and its accrued yield net of the
    /// performance fee (BasisPoints.split rounds the fee down, exactly as harvest will).
    function _grossAssets(IStrategy current) private view returns (uint256 held) {
        held = IERC20(asset()).balanceOf(address(this));
        if (address(current) != address(0)) {
            (, uint256 net) = BasisPoints.split(current.pendingYield(), _performanceFeeBps);
            held += current.totalAssets() + net;
        }
    }

    /// @dev Moves `assets` from `from` (this vault when it is `from`) to `to` and refuses a
    /// transfer that arrives short: shares were priced on the full amount.
    function _sendInFull(IERC20 token, address from, address to, uint256 assets) private {
        uint256 before = token.balanceOf(to);
        if (from == address(this)) token.safeTransfer(to, assets);
        else token.safeTransferFrom(from, to, assets);
        uint256 received = token.balanceOf(to) - before;
        if (received != assets) revert VaultTransferFeeCharged(assets, received);
    }

    /// @dev Whether the asset reports itself paused (OpenZeppelin Pausable's `paused()`); an
    /// asset without that function is never paused.
    function _assetPaused() private view returns (bool) {
        (bool ok, bytes memory data) = asset().staticcall(abi.encodeWithSignature("paused()"));
        return ok && data.length >= 32 && abi.decode(data, (uint256)) != 0;
    }

    function _setPerformanceFee(uint256 bps) private {
        if (bps > MAX_PERFORMANCE_FEE_BPS) revert VaultFeeTooHigh(bps, MAX_PERFORMANCE_FEE_BPS);
        uint256 previous = _performanceFeeBps;
        _performanceFeeBps = bps;
        emit VaultPerformanceFeeSet(previous, bps);
    }

    /// @dev Applies to profit locked from now on; profit already locked keeps its schedule, so
    /// no change of this setting can release it sooner (a step a watcher could sandwich).
    function _setProfitUnlockTime(uint256 seconds_) private {
        if (seconds_ > MAX_PROFIT_UNLOCK_TIME) revert VaultUnlockTimeTooLong(seconds_, MAX_PROFIT_UNLOCK_TIME);
        if (seconds_ < MIN_PROFIT_UNLOCK_TIME) revert VaultUnlockTimeTooShort(seconds_, MIN_PROFIT_UNLOCK_TIME);
        uint256 previous = _profitUnlockTime;
        _profitUnlockTime = uint64(seconds_);
        emit VaultProfitUnlockTimeSet(previous, seconds_);
    }

    function _setTreasury(address newTreasury) private {
        if (newTreasury == address(0)) revert VaultZeroAddress();
        address previous = _treasury;
        _treasury = newTreasury;
        emit VaultTreasurySet(previous, newTreasury);
    }
}
