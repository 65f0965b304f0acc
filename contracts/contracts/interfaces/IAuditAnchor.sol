// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IAuditAnchor
/// @notice Public record of the platform's signed audit checkpoints: each checkpoint's sequence
/// number and the audit chain's head hash at it, one event per checkpoint.
/// @dev Someone who can rewrite the platform's database can also rewrite its checkpoint rows;
/// they cannot rewrite this chain's history. The server compares its stored checkpoints with
/// these events. Only the owner (the server's anchoring account) may anchor, and sequence
/// numbers only increase, so a later anchor cannot shadow an earlier one.
interface IAuditAnchor {
    /// @notice A checkpoint was anchored.
    /// @param seq The audit event sequence number the checkpoint covers (the head at signing).
    /// @param headHash The SHA-256 chain hash of that event.
    event AuditCheckpointAnchored(uint256 indexed seq, bytes32 headHash);

    /// @notice An account other than the owner tried to anchor.
    /// @param caller The account that called.
    error AuditAnchorNotOwner(address caller);

    /// @notice A checkpoint at or below the latest anchored seq was sent.
    /// @param seq The seq that was sent.
    /// @param latestSeq The latest seq already anchored.
    error AuditAnchorSeqNotIncreasing(uint256 seq, uint256 latestSeq);

    /// @notice Records a checkpoint and emits {AuditCheckpointAnchored}. Owner only.
    /// @param seq Must exceed {latestSeq}.
    /// @param headHash The chain hash at `seq`.
    function anchor(uint256 seq, bytes32 headHash) external;

    /// @notice The account allowed to anchor, fixed at deployment.
    function owner() external view returns (address);

    /// @notice The highest seq anchored so far (0 before the first).
    function latestSeq() external view returns (uint256);

    /// @notice The head hash anchored for `seq`, or zero when `seq` was never anchored.
    function headHashOf(uint256 seq) external view returns (bytes32);
}
