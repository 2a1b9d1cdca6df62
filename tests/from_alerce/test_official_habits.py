"""What someone coming from the official alerce client or its starter notebook writes, and
what alerce_astro does with it (issue 16, points 7 to 10)."""

import configparser
import io
import warnings
from pathlib import Path

import numpy as np
import pytest
from astropy.table import Table

from alerce_astro.exceptions import InvalidQueryError, MaxResultsWarning

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def client(sample_server, client_of):
    return client_of(sample_server)


@pytest.fixture(scope="module")
def sample_oid(sample_server):
    from alerce_astro.tour import choose_object

    return choose_object(sample_server.client(), offline=True)


# ------------------------------------------------------------------------- 7. format=
@pytest.mark.parametrize("call", [
    lambda a, oid: a.query_objects(classifier="lc_classifier", format="pandas"),
    lambda a, oid: a.query_object(oid, format="json"),
    lambda a, oid: a.get_lightcurve(oid, format="pandas"),
    lambda a, oid: a.query_detections(oid, format="votable"),
    lambda a, oid: a.query_non_detections(oid, format="pandas"),
    lambda a, oid: a.query_magstats(oid, format="json"),
    lambda a, oid: a.query_probabilities(oid, format="pandas"),
    lambda a, oid: a.query_features(oid, format="pandas"),
    lambda a, oid: a.list_classifiers(format="json"),
    lambda a, oid: a.query_nearest(oid, format="votable"),
])
def test_format_keyword_names_the_astropy_way(client, sample_server, sample_oid, call):
    sample_server.reset_requests()
    with pytest.raises(InvalidQueryError, match=r"has no format= argument: alerce_astro "
                                                r"always answers with astropy objects") as err:
        call(client, sample_oid)
    text = str(err.value)
    assert ".to_pandas()" in text or ".write(" in text
    assert sample_server.requests == []


def test_format_messages_per_format(client):
    with pytest.raises(InvalidQueryError, match=r"call \.to_pandas\(\) on the result "
                                                r"\(pip install 'alerce_astro\[pandas\]'\)"):
        client.query_objects(format="pandas")
    with pytest.raises(InvalidQueryError, match=r"\.write\('result\.xml', format='votable'\)"):
        client.query_objects(format="votable")


def test_pandas_extra_is_declared():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    extras = config["options.extras_require"]
    assert "pandas>=2.0" in extras["pandas"].split()
    assert "pandas>=2.0" in extras["all"].split()


def test_lightcurve_to_pandas_keeps_mjd_and_exact_ids(client, sample_oid):
    pytest.importorskip("pandas")
    lc = client.get_lightcurve(sample_oid)
    frame = lc.to_pandas()
    assert len(frame) == len(lc)
    assert list(frame.columns[:2]) == ["mjd", "kind"]
    assert np.array_equal(frame["mjd"].to_numpy(), lc["time"].mjd)
    # 64-bit ids beyond 2**53 stay exact (nullable Int64, <NA> for upper limits)
    assert str(frame["detection_id"].dtype) == "Int64"
    ids = np.ma.getdata(lc["detection_id"])
    masked = np.ma.getmaskarray(lc["detection_id"])
    assert ids[~masked].max() > 2**53
    assert frame["detection_id"][~masked].tolist() == ids[~masked].tolist()
    assert frame["detection_id"][masked].isna().all()


# ------------------------------------------------------------------ 8. candid positional
def _stamp_candid(client, oid):
    lc = client.get_lightcurve(oid)
    with_stamp = lc[np.asarray(lc["has_stamp"].filled(False), dtype=bool)]
    return int(with_stamp["detection_id"][0])


def test_get_stamps_takes_the_candid_positionally(client, sample_oid):
    candid = _stamp_candid(client, sample_oid)
    stamps = client.get_stamps(sample_oid, candid)
    assert stamps.candid == candid
    assert client.get_stamps(sample_oid, candid=candid).candid == candid
    images = client.get_images(sample_oid, candid)
    assert len(images) == 3


def test_plot_stamps_takes_the_candid_positionally(client, sample_oid):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    candid = _stamp_candid(client, sample_oid)
    figure = client.plot_stamps(sample_oid, candid)
    try:
        titles = " ".join(ax.get_title() for ax in figure.axes)
        assert str(candid) in titles or str(candid) in (figure._suptitle.get_text()
                                                        if figure._suptitle else "")
    finally:
        plt.close(figure)


# ------------------------------------------------------------- 9. page_size means rows
@pytest.fixture(scope="module")
def many_sne_server(tmp_path_factory):
    """More than 200 objects whose most probable class is SN Ia."""
    from alerce_astro.offline import SampleServer
    from alerce_astro.offline.simulate import generate_dataset

    folder = generate_dataset(tmp_path_factory.mktemp("sne") / "data", 300, seed=3,
                              classes=["SNIa"], stamps=False, catalogs=False,
                              forced_photometry=False)
    with SampleServer(data=folder) as server:
        yield server


def test_notebooks_page_size_call_gives_200_rows(many_sne_server, client_of):
    alerce = client_of(many_sne_server)
    # The starter notebook's call, without its format="pandas".
    with pytest.warns(MaxResultsWarning, match="cut at row_limit=200 rows of 2"):
        sne = alerce.query_objects(classifier="lc_classifier", class_name="SNIa",
                                   ranking=1, page_size=200, order_by="probability",
                                   order_mode="DESC")
    assert len(sne) == 200
    assert sne.meta["total"] > 200
    p = np.asarray(sne["probability"])
    assert np.all(p[:-1] >= p[1:])
    lists = [r for r in many_sne_server.requests if r["path"].endswith("/objects/")]
    assert len(lists) == 1 and "page_size=200" in lists[0]["query"]
    # row_limit still decides when given: pages of 200, every row
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        every = alerce.query_objects(classifier="lc_classifier", class_name="SNIa",
                                     ranking=1, page_size=200, row_limit=-1)
    assert len(every) == sne.meta["total"]


# ------------------------------------------------------------ 10. VOTable from Python
def test_query_object_table_writes_votable(client, sample_oid, tmp_path):
    obj = client.query_object(sample_oid)
    assert "coord" in obj.colnames
    path = tmp_path / "obj.xml"
    obj.write(path)  # the suffix is enough
    back = Table.read(path, format="votable")
    assert back["oid"][0] == sample_oid
    assert back["coord_ra"][0] == pytest.approx(obj["coord"][0].ra.deg)
    assert back["coord_dec"][0] == pytest.approx(obj["meandec"][0])
    buffer = io.BytesIO()
    obj.write(buffer, format="votable")
    assert b"coord_ra" in buffer.getvalue()
    # the table itself is unchanged, and ECSV keeps the SkyCoord
    assert "coord" in obj.colnames
    obj.write(tmp_path / "obj.ecsv")
    assert Table.read(tmp_path / "obj.ecsv")["coord"][0].ra.deg == pytest.approx(
        obj["meanra"][0])


def test_query_objects_table_writes_votable(client, sample_oid, tmp_path):
    table = client.query_objects(classifier="lc_classifier", class_name="SNIa")
    table.write(tmp_path / "sne.vot", format="votable")
    assert len(Table.read(tmp_path / "sne.vot")) == len(table)
