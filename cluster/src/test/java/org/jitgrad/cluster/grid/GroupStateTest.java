package org.jitgrad.cluster.grid;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.UUID;
import org.jitgrad.cluster.ModelLayout;
import org.junit.jupiter.api.Test;

/** The round bookkeeping on its own, without a cluster. */
class GroupStateTest {
    private static final ModelLayout LAYOUT = new ModelLayout(List.of("w", "b"), List.of(new int[] {2, 3}, new int[] {2}), 4);
    private final UUID a = new UUID(0, 1), b = new UUID(0, 2), c = new UUID(0, 3);

    private static GroupState published(UUID first) {
        GroupState s = new GroupState();
        assertEquals(GroupState.Outcome.OK, s.enrol(first, LAYOUT));
        assertEquals(first, s.initialiser());
        assertEquals(-1, s.initialRound());
        assertEquals(GroupState.Outcome.OK, s.publish(first));
        assertEquals(-1, s.initialRound(), "the initial model is the result of the round before round 0");
        return s;
    }

    @Test
    void aRoundSealsWhenEveryMemberDueHasContributed() {
        GroupState s = published(a);
        s.enrol(b, LAYOUT);
        assertEquals(0L, s.startRound(b));
        assertEquals(GroupState.Outcome.OK, s.finish(a, 0, 32));
        assertEquals(0, s.round());
        assertTrue(s.awaits(b));
        assertFalse(s.awaits(a));
        assertEquals(List.of(b), s.missing());
        assertEquals(GroupState.Outcome.OK, s.finish(b, 0, 16));
        assertEquals(1, s.round());
        assertEquals(0, s.lastRound());
        assertEquals(2, s.lastContributors());
        assertEquals(48.0, s.lastWeight());
        assertEquals(2, s.contributions());
    }

    @Test
    void aRetriedContributionIsCountedOnce() {
        GroupState s = published(a);
        s.enrol(b, LAYOUT);
        s.finish(a, 0, 1);
        assertEquals(GroupState.Outcome.ALREADY, s.finish(a, 0, 1));
        s.finish(b, 0, 1);
        assertEquals(GroupState.Outcome.ALREADY, s.finish(b, 0, 1), "a retry after the round sealed");
        assertEquals(2.0, s.lastWeight());
        assertEquals(2, s.contributions());
        assertEquals(GroupState.Outcome.WRONG_ROUND, s.finish(a, 5, 1));
    }

    @Test
    void aMemberEnrollingAfterContributionsStartsWithTheNextRound() {
        GroupState s = published(a);
        s.enrol(b, LAYOUT);
        s.finish(a, 0, 1);
        s.enrol(c, LAYOUT);
        assertEquals(1L, s.startRound(c), "round 0 already had a contribution");
        assertEquals(GroupState.Outcome.WRONG_ROUND, s.finish(c, 0, 1));
        s.finish(b, 0, 1);
        assertEquals(1, s.round(), "round 0 did not wait for the late member");
        assertEquals(3, s.expected());
        GroupState t = published(a);
        t.enrol(c, LAYOUT);
        assertEquals(0L, t.startRound(c), "nothing contributed yet: it takes part in round 0");
    }

    @Test
    void aLeavingMemberLowersWhatTheRoundWaitsFor() {
        GroupState s = published(a);
        s.enrol(b, LAYOUT);
        s.enrol(c, LAYOUT);
        s.finish(a, 0, 1);
        s.finish(c, 0, 1);
        assertEquals(0, s.round());
        assertEquals(GroupState.Outcome.OK, s.leave(b));
        assertEquals(1, s.round(), "sealed once b left");
        assertEquals(2, s.lastContributors());
        assertEquals(GroupState.Outcome.ALREADY, s.leave(b));
        assertEquals(GroupState.Outcome.DEPARTED, s.enrol(b, LAYOUT));
        assertEquals(GroupState.Outcome.DEPARTED, s.finish(b, 1, 1));
        assertEquals(2, s.rosterSize());
    }

    @Test
    void aMemberThatContributedAndLeftStillCounts() {
        GroupState s = published(a);
        s.enrol(b, LAYOUT);
        s.finish(b, 0, 3);
        s.leave(b);
        assertEquals(0, s.round());
        s.finish(a, 0, 1);
        assertEquals(2, s.lastContributors());
        assertEquals(4.0, s.lastWeight());
    }

    @Test
    void aDifferentLayoutIsRefusedAndChangesNothing() {
        GroupState s = published(a);
        long v = s.version();
        ModelLayout other = new ModelLayout(List.of("w", "b"), List.of(new int[] {3, 2}, new int[] {2}), 4);
        assertEquals(GroupState.Outcome.MISMATCH, s.enrol(b, other));
        assertEquals(v, s.version());
        assertNull(s.startRound(b));
        assertEquals(LAYOUT, s.layout());
    }

    @Test
    void whenTheInitialiserLeavesUnpublishedAnotherTakesOverInALaterRound() {
        GroupState s = new GroupState();
        s.enrol(a, LAYOUT);
        s.enrol(b, LAYOUT);
        assertEquals(GroupState.Outcome.NOT_INITIALISER, s.claimInitialiser(b));
        s.leave(a);
        assertNull(s.initialiser());
        assertEquals(2, s.round(), "a's partial initial model is left in an older slot");
        assertEquals(2L, s.startRound(b));
        assertEquals(GroupState.Outcome.OK, s.claimInitialiser(b));
        assertEquals(GroupState.Outcome.OK, s.publish(b));
        assertTrue(s.published());
        assertEquals(1, s.initialRound(), "b's initial model, in the slot of round 1");
    }

    @Test
    void whenTheLastMemberLeavesTheNextStartsANewModel() {
        GroupState s = published(a);
        s.finish(a, 0, 1);
        s.leave(a);
        assertNull(s.layout());
        assertFalse(s.published());
        assertEquals(-1, s.initialRound());
        ModelLayout other = new ModelLayout(List.of("x"), List.of(new int[] {7}), 4);
        assertEquals(GroupState.Outcome.OK, s.enrol(b, other));
        assertEquals(b, s.initialiser());
        assertEquals(3L, s.startRound(b), "two rounds on from round 1");
    }

    @Test
    void aCopyIsIndependent() {
        GroupState s = published(a);
        GroupState copy = s.copy();
        s.enrol(b, LAYOUT);
        assertEquals(1, copy.rosterSize());
        assertEquals(2, s.rosterSize());
        assertTrue(s.version() > copy.version());
    }
}
