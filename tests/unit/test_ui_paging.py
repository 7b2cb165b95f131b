"""Paging a long table (issue 18, speed): pages of PAGE_ROWS, clamped; a plain-text find."""
import pandas as pd

from ecomm import ui_paging

FRAME = pd.DataFrame({"name": ["Ann Keeper", "Bob Leaver", "Dee (Denver)"],
                      "license": ["LN-0001", "LN-0002", "LN-0003"]})


def test_page_of_positions_start_at_zero_and_the_page_is_clamped():
    assert ui_paging.page_count(3, 2) == 2 and ui_paging.page_count(0, 2) == 1
    assert list(ui_paging.page_of(FRAME, 2, 2)["license"]) == ["LN-0003"]
    assert list(ui_paging.page_of(FRAME, 2, 2).index) == [0]
    assert list(ui_paging.page_of(FRAME, 9, 2)["license"]) == ["LN-0003"]
    assert list(ui_paging.page_of(FRAME, 0, 2)["license"]) == ["LN-0001", "LN-0002"]


def test_find_rows_is_case_blind_plain_text_over_the_columns():
    assert list(ui_paging.find_rows(FRAME, "LEAVER", ["name", "license"])["license"]) == \
        ["LN-0002"]
    assert list(ui_paging.find_rows(FRAME, "(denver", ["name"])["license"]) == ["LN-0003"]
    assert list(ui_paging.find_rows(FRAME, "0003", ["name", "license"])["license"]) == \
        ["LN-0003"]
    assert ui_paging.find_rows(FRAME, "  ", ["name"]) is FRAME
