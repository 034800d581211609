"""TestCase fixtures for test_harness_selftest.py (not CPython tests).

Run with BCAD_SUITE_STUB=force, where "interpreted" is the identity: a test
tells the two runs apart by whether the harness's wrapper called it."""
import os
import signal
import sys
import time
import unittest


def interpreted():
    return sys._getframe(2).f_code.co_name == "interpreted_test"


class Cases(unittest.TestCase):
    def test_a_pass(self):
        self.assertEqual(1 + 1, 2)

    def test_b_fail_interp(self):
        if interpreted():
            raise ValueError("only when interpreted")

    @unittest.skip("skipped on purpose")
    def test_c_skip(self):
        pass

    @unittest.expectedFailure
    def test_d_xfail(self):
        self.assertEqual(1, 2)

    def test_e_native_fail(self):
        self.fail("fails natively too")

    def test_f_subtest_interp(self):
        for i in range(3):
            with self.subTest(i=i):
                if interpreted() and i == 1:
                    self.assertEqual(i, 0)

    def test_g_hang_interp(self):
        while interpreted():
            pass

    def test_h_swallow_interp(self):
        while interpreted():
            try:
                while True:
                    pass
            except BaseException:
                pass

    def test_i_crash_interp(self):
        if interpreted():
            os._exit(3)

    def test_j_c_hang_interp(self):
        if interpreted():
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(60)

    def test_k_after(self):
        pass


class AsyncCases(unittest.IsolatedAsyncioTestCase):
    async def test_async_pass(self):
        import asyncio
        await asyncio.sleep(0)

    async def test_async_fail_interp(self):
        if sys._getframe(1).f_code.co_name == "interpreted_test":
            raise RuntimeError("async, interpreted")


class SubtestTimeout(unittest.TestCase):
    def test_subtest_hang_interp(self):
        for i in range(100):
            with self.subTest(i=i):
                while interpreted():
                    pass
