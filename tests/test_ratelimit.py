"""Token buckets refill at their rate and never exceed their burst."""

from draw.ratelimit import TokenBucket


class FakeClock:
    """A clock the test moves by hand, so the bucket's arithmetic is exact."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_bucket_allows_burst_then_refuses():
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=20, clock=clock)
    assert bucket.take(20)
    assert not bucket.take(1)


def test_bucket_refills_at_its_rate_up_to_the_burst():
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=20, clock=clock)
    bucket.take(20)
    clock.now = 1.0
    assert bucket.take(10)
    assert not bucket.take(1)
    clock.now = 100.0
    assert not bucket.take(21)
    assert bucket.take(20)
