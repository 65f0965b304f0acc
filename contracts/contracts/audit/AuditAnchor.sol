// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAuditAnchor} from "../interfaces/IAuditAnchor.sol";

/// @title AuditAnchor
/// @notice Append-only record of the platform's audit checkpoints.
/// @dev The owner is fixed: there is no transfer, so a stolen database cannot take the record
/// over; a new anchoring key means a new deployment, and the old contract's events stay.
contract AuditAnchor is IAuditAnchor {
    address private immutable _owner;
    uint256 private _latestSeq;
    mapping(uint256 seq => bytes32 headHash) private _headHashes;

    constructor(address owner_) {
        _owner = owner_;
    }

    /// @inheritdoc IAuditAnchor
    function anchor(uint256 seq, bytes32 headHash) external {
        if (msg.sender != _owner) revert AuditAnchorNotOwner(msg.sender);
        if (seq <= _latestSeq) revert AuditAnchorSeqNotIncreasing(seq, _latestSeq);
        _latestSeq = seq;
        _headHashes[seq] = headHash;
        emit AuditCheckpointAnchored(seq, headHash);
    }

    /// @inheritdoc IAuditAnchor
    function owner() external view returns (address) {
        return _owner;
    }

    /// @inheritdoc IAuditAnchor
    function latestSeq() external view returns (uint256) {
        return _latestSeq;
    }

    /// @inheritdoc IAuditAnchor
    function headHashOf(uint256 seq) external view returns (bytes32) {
        return _headHashes[seq];
    }
}
